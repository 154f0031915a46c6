package io.gyre.core;

import io.gyre.api.TaskId;
import java.util.Arrays;

/**
 * One result snapshot a task published: a named array of doubles with its shape and weight (for example the
 * number of primaries simulated so far). A newer snapshot of the same task and name ({@code seq} higher)
 * replaces the older one in merges.
 */
public record Snapshot(TaskId task, String name, long seq, double weight, int[] shape, double[] values) {
    public Snapshot {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape dimensions must not be negative: " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + n + " values, not " + values.length);
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be a finite number >= 0, not " + weight);
        }
        shape = shape.clone();
    }

    /** A one-dimensional snapshot. */
    public static Snapshot of(TaskId task, String name, long seq, double weight, double... values) {
        return new Snapshot(task, name, seq, weight, new int[] {values.length}, values);
    }

    public SnapshotRef ref() {
        return new SnapshotRef(task, name, seq, weight, shape);
    }

    /** A snapshot without its values: what a merge remembers of each contributor. */
    public record SnapshotRef(TaskId task, String name, long seq, double weight, int[] shape) {}
}
