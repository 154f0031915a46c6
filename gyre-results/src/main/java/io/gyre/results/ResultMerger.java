package io.gyre.results;

import io.gyre.api.GyreException;
import io.gyre.api.MergeOp;
import io.gyre.api.TaskId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Merges the snapshots of one named result incrementally, as they arrive, in any order.
 *
 * <p>Each task contributes its newest snapshot only: a newer one replaces the older contribution (for means
 * and sums the old values are subtracted from double-double running sums; for min, max and concat the view is
 * recomputed). A task that failed is excluded. Memory is a few arrays of the result's length plus one small
 * reference per contributor; older snapshots' values are read back through {@code source} only when they must be
 * subtracted, so the number of snapshots never bounds the heap.
 */
public final class ResultMerger {
    private final String name;
    private final MergeOp op;
    private final Function<Snapshot.SnapshotRef, double[]> source;
    private final Map<TaskId, Snapshot.SnapshotRef> latest = new TreeMap<>();
    private int[] shape = new int[0];
    private MomentSums sums = new MomentSums(0);
    private double[] extreme = new double[0];
    private boolean dirty;
    private @Nullable String unit;
    private List<Axis> axes = List.of();

    /**
     * @param source reads back the values of a snapshot this merger saw earlier (from the object store)
     */
    public ResultMerger(String name, MergeOp op, Function<Snapshot.SnapshotRef, double[]> source) {
        this.name = name;
        this.op = op;
        this.source = source;
    }

    /**
     * Takes a snapshot into the view; an older or equal sequence number than the task's newest is ignored. The
     * merger keeps no reference to {@code s.values()}: the caller may reuse the array once this returns.
     */
    public void accept(Snapshot s) {
        if (!s.name().equals(name)) {
            throw new GyreException("snapshot '" + s.name() + "' given to the merger of '" + name + "'");
        }
        Snapshot.SnapshotRef prior = latest.get(s.task());
        if (prior != null && prior.seq() >= s.seq()) {
            return;
        }
        if (latest.isEmpty()) {
            shape = s.shape().clone();
            sums = new MomentSums(s.values().length);
        } else if (!Arrays.equals(shape, s.shape()) && op != MergeOp.CONCAT) {
            throw new GyreException("snapshot " + s.seq() + " of '" + name + "' from task " + s.task() + " has shape "
                    + Arrays.toString(s.shape()) + " but the result has shape " + Arrays.toString(shape));
        }
        switch (op) {
            case MEAN, SUM -> {
                if (prior != null) {
                    sums.apply(source.apply(prior), 1, -1);
                }
                sums.apply(s.values(), 1, 1);
            }
            case WEIGHTED_MEAN -> {
                if (prior != null) {
                    sums.apply(source.apply(prior), prior.weight(), -1);
                }
                sums.apply(s.values(), s.weight(), 1);
            }
            case MIN, MAX -> {
                if (prior == null && !dirty) {
                    fold(s.values());
                } else {
                    dirty = true;
                }
            }
            case CONCAT -> dirty = true;
        }
        latest.put(s.task(), s.ref());
        if (unit == null) {
            unit = s.unit();
        }
        if (axes.isEmpty()) {
            axes = s.axes();
        }
    }

    /** Removes a task's contribution (a failed replica). */
    public void exclude(TaskId task) {
        Snapshot.SnapshotRef prior = latest.remove(task);
        if (prior == null) {
            return;
        }
        switch (op) {
            case MEAN, SUM -> sums.apply(source.apply(prior), 1, -1);
            case WEIGHTED_MEAN -> sums.apply(source.apply(prior), prior.weight(), -1);
            case MIN, MAX, CONCAT -> dirty = true;
        }
        if (latest.isEmpty()) {
            sums = new MomentSums(0);
            extreme = new double[0];
            shape = new int[0];
            dirty = false;
            unit = null;
            axes = List.of();
        }
    }

    private void fold(double[] values) {
        if (extreme.length == 0) {
            extreme = values.clone();
            return;
        }
        for (int i = 0; i < values.length; i++) {
            extreme[i] = op == MergeOp.MIN ? Math.min(extreme[i], values[i]) : Math.max(extreme[i], values[i]);
        }
    }

    private double[] concatenated() {
        double[][] parts = new double[latest.size()][];
        int total = 0;
        int k = 0;
        for (Snapshot.SnapshotRef r : latest.values()) {
            parts[k] = source.apply(r);
            total += parts[k++].length;
        }
        double[] values = new double[total];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, values, at, p.length);
            at += p.length;
        }
        return values;
    }

    /** The merged result as of now. */
    public MergedResult view() {
        int n = latest.size();
        double weight = 0;
        for (Snapshot.SnapshotRef r : latest.values()) {
            weight += r.weight();
        }
        double[] values = switch (op) {
            case MEAN, WEIGHTED_MEAN -> {
                double[] means = new double[sums.length()];
                for (int i = 0; i < means.length; i++) {
                    means[i] = sums.mean(i);
                }
                yield means;
            }
            case SUM -> {
                double[] totals = new double[sums.length()];
                for (int i = 0; i < totals.length; i++) {
                    totals[i] = sums.sum(i);
                }
                yield totals;
            }
            case MIN, MAX -> {
                if (dirty) {
                    extreme = new double[0];
                    for (Snapshot.SnapshotRef r : latest.values()) {
                        fold(source.apply(r));
                    }
                    dirty = false;
                }
                yield extreme.clone();
            }
            case CONCAT -> concatenated();
        };
        double[] stderr = new double[0];
        if (op == MergeOp.MEAN || op == MergeOp.WEIGHTED_MEAN) {
            stderr = new double[values.length];
            for (int i = 0; i < stderr.length; i++) {
                stderr[i] = sums.standardError(i);
            }
        }
        int[] outShape = op == MergeOp.CONCAT ? new int[] {values.length} : shape.clone();
        List<Axis> outAxes = op == MergeOp.CONCAT ? List.of() : axes;
        return new MergedResult(name, op, outShape, values, stderr, n, weight, unit, outAxes);
    }
}
