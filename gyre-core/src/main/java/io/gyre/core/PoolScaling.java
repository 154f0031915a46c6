package io.gyre.core;

import io.gyre.api.GyreException;

/**
 * How many workers a pool (a queue and a set of label requirements) should have: enough for every waiting or
 * running attempt at {@code factor} attempts per worker, within {@code [min, max]}. With 18 waiting, none
 * running, factor 6, min 0 and max 4 it is 3. This is what a later metrics endpoint exports as
 * {@code gyre_desired_workers{pool=...}} for an autoscaler.
 *
 * @param factor attempts one worker is expected to take care of (its slots, or a backlog it may hold)
 */
public record PoolScaling(int min, int max, int factor) {
    public static final PoolScaling DEFAULT = new PoolScaling(0, 10, 1);

    public PoolScaling {
        if (min < 0 || max < min || factor < 1) {
            throw new GyreException("pool scaling needs 0 <= min <= max and factor >= 1, not min " + min + ", max "
                    + max + ", factor " + factor);
        }
    }

    /** clamp(ceil((depth + running) / factor), min, max). */
    public int desired(long depth, long running) {
        if (depth < 0 || running < 0) {
            throw new GyreException("queue depth and running count cannot be negative: " + depth + ", " + running);
        }
        long load = depth + running;
        long workers = (load + factor - 1) / factor;
        return (int) Math.max(min, Math.min(max, workers));
    }
}
