package io.gyre.api;

import java.util.List;

/**
 * What the instances of one swept task share: the task as declared, its matrix keys and its size. One instance
 * of this record is referenced by every {@link SweepPoint} of the sweep, so a large sweep stores it once.
 *
 * @param task the swept task's declared id (instances are {@code task[0001]}, {@code task[0002]}, ...)
 * @param keys the matrix keys in expansion order (grid keys, then paired groups' keys); dotted for nested keys
 * @param points the number of distinct points (after exclude and include)
 * @param replicas copies of every point, or 0 when the matrix declares no {@code replicas} (then no
 *     {@code REPLICA} and {@code SEED} are set)
 * @param args how point values are appended to a {@code command:} argv
 */
public record Sweep(TaskId task, List<String> keys, int points, int replicas, Args args) {
    /** How a sweep passes its point values as arguments, besides the environment. */
    public enum Args {
        /** Only environment variables and {@code ${params.x}}. */
        NONE,
        /** Hydra overrides ({@code key=value}) appended to the argv. */
        HYDRA
    }

    public Sweep {
        keys = List.copyOf(keys);
        if (points < 0 || replicas < 0) {
            throw new GyreException("a sweep has a non-negative number of points and replicas");
        }
    }

    /** The number of task instances: points times replicas. */
    public long instances() {
        return (long) points * Math.max(1, replicas);
    }
}
