package io.gyre.results;

import io.gyre.api.TaskId;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One result snapshot a task published: a named array of doubles with its shape and weight (for example the
 * number of primaries simulated so far), and optionally a unit and one axis per dimension. A newer snapshot of
 * the same task and name ({@code seq} higher) replaces the older one in merges.
 *
 * <p>The values array is taken as is, not copied: a snapshot may hold millions of values, and whoever builds one
 * hands the array over.
 *
 * @param unit the unit of the values (for example {@code Gy}), or null
 * @param axes empty, or one axis per dimension of {@code shape}
 */
public record Snapshot(
        TaskId task,
        String name,
        long seq,
        double weight,
        int[] shape,
        double[] values,
        @Nullable String unit,
        List<Axis> axes) {
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
        axes = List.copyOf(axes);
        Axis.check(axes, shape);
    }

    /** A snapshot without unit or axes. */
    public Snapshot(TaskId task, String name, long seq, double weight, int[] shape, double[] values) {
        this(task, name, seq, weight, shape, values, null, List.of());
    }

    /** A one-dimensional snapshot without unit or axes. */
    public static Snapshot of(TaskId task, String name, long seq, double weight, double... values) {
        return new Snapshot(task, name, seq, weight, new int[] {values.length}, values);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** What a merge remembers of this snapshot once it has folded the values in. */
    public SnapshotRef ref() {
        return new SnapshotRef(task, name, seq, weight, shape);
    }

    /**
     * A snapshot without its values: what a merge remembers of each contributor, enough to read the values back
     * (from the object store, see {@link SnapshotStore#values}) when they must be subtracted.
     */
    public record SnapshotRef(TaskId task, String name, long seq, double weight, int[] shape) {
        public SnapshotRef {
            shape = shape.clone();
        }
    }
}
