package io.gyre.results;

import io.gyre.api.GyreException;
import io.gyre.api.MergeOp;
import io.gyre.api.TaskId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
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
 *
 * <p>Values can come as an array ({@link #accept(Snapshot)}) or be read a chunk at a time from their source
 * ({@link #accept(Snapshot.SnapshotRef, SnapshotValues)}, for example straight from a snapshot file's pages), and
 * the sums can be updated in element stripes on several threads ({@link #ResultMerger(String, MergeOp, Function,
 * Executor, int)}). Every element goes through the same arithmetic either way, so the view is bit for bit the
 * same however the values arrive and however many stripes there are.
 */
public final class ResultMerger {
    /** Values are read from their source a chunk (one block of the sums) at a time. */
    static final int CHUNK = MomentSums.BLOCK;

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
    private final @Nullable Executor helpers;
    private final int stripes;
    private final double[][] chunks;
    private @Nullable RuntimeException broken;

    /**
     * @param source reads back the values of a snapshot this merger saw earlier (from the object store)
     */
    public ResultMerger(String name, MergeOp op, Function<Snapshot.SnapshotRef, double[]> source) {
        this(name, op, source, null, 1);
    }

    /**
     * A merger that updates its sums in {@code stripes} element ranges at once: the calling thread takes the
     * first, {@code helpers} run the others (give it at least {@code stripes − 1} threads), and each accept waits
     * for all of them. Worth it for results of a million values or more on an otherwise idle machine.
     */
    public ResultMerger(
            String name,
            MergeOp op,
            Function<Snapshot.SnapshotRef, double[]> source,
            @Nullable Executor helpers,
            int stripes) {
        if (stripes < 1 || (stripes > 1 && helpers == null)) {
            throw new IllegalArgumentException("stripes must be >= 1, with an executor when > 1 (got " + stripes + ")");
        }
        this.name = name;
        this.op = op;
        this.source = source;
        this.helpers = helpers;
        this.stripes = stripes;
        this.chunks = new double[stripes][0];
    }

    /**
     * Takes a snapshot into the view; an older or equal sequence number than the task's newest is ignored. The
     * merger keeps no reference to {@code s.values()}: the caller may reuse the array once this returns.
     */
    public void accept(Snapshot s) {
        accept(s.ref(), SnapshotValues.of(s.values()), s.unit(), s.axes());
    }

    /**
     * Takes a snapshot into the view from its reference and its values, read a chunk at a time (for example
     * straight from the snapshot file's pages, {@link ValuesReader#open}): the same as {@link #accept(Snapshot)}
     * without decoding the snapshot into an array first. The snapshot's unit and axes are not known this way; the
     * view has those of the first snapshot accepted whole, if any. The merger keeps no reference to
     * {@code values}.
     *
     * <p>Should reading the values fail part way (an I/O error), part of the snapshot has been added: the merger
     * then refuses further use and must be rebuilt from the stored snapshots.
     */
    public void accept(Snapshot.SnapshotRef ref, SnapshotValues values) {
        long n = 1;
        for (int d : ref.shape()) {
            n *= d;
        }
        if (n != values.length()) {
            throw new GyreException("snapshot " + ref.seq() + " of '" + ref.name() + "' from task " + ref.task()
                    + " has shape " + Arrays.toString(ref.shape()) + " but " + values.length() + " values");
        }
        accept(ref, values, null, List.of());
    }

    private void accept(Snapshot.SnapshotRef s, SnapshotValues values, @Nullable String unitOf, List<Axis> axesOf) {
        checkUsable();
        if (!s.name().equals(name)) {
            throw new GyreException("snapshot '" + s.name() + "' given to the merger of '" + name + "'");
        }
        Snapshot.SnapshotRef prior = latest.get(s.task());
        if (prior != null && prior.seq() >= s.seq()) {
            return;
        }
        if (latest.isEmpty()) {
            shape = s.shape().clone();
            sums = new MomentSums(values.length());
        } else if (!Arrays.equals(shape, s.shape()) && op != MergeOp.CONCAT) {
            throw new GyreException("snapshot " + s.seq() + " of '" + name + "' from task " + s.task() + " has shape "
                    + Arrays.toString(s.shape()) + " but the result has shape " + Arrays.toString(shape));
        }
        switch (op) {
            case MEAN, SUM -> {
                if (prior != null) {
                    applySums(SnapshotValues.of(source.apply(prior)), 1, -1);
                }
                applySums(values, 1, 1);
            }
            case WEIGHTED_MEAN -> {
                if (prior != null) {
                    applySums(SnapshotValues.of(source.apply(prior)), prior.weight(), -1);
                }
                applySums(values, s.weight(), 1);
            }
            case MIN, MAX -> {
                if (prior == null && !dirty) {
                    fold(materialized(values));
                } else {
                    dirty = true;
                }
            }
            case CONCAT -> dirty = true;
        }
        latest.put(s.task(), s);
        if (unit == null) {
            unit = unitOf;
        }
        if (axes.isEmpty()) {
            axes = axesOf;
        }
    }

    private void checkUsable() {
        if (broken != null) {
            throw new GyreException(
                    "the merger of '" + name + "' holds part of a snapshot whose values could not be read ("
                            + broken.getMessage() + "); rebuild it from the stored snapshots",
                    broken);
        }
    }

    private static double[] materialized(SnapshotValues values) {
        double[] a = values.array();
        if (a != null) {
            return a;
        }
        double[] copy = new double[values.length()];
        values.copy(0, copy, copy.length);
        return copy;
    }

    /** Adds or removes one contribution, in stripes when the merger has helpers. */
    private void applySums(SnapshotValues values, double w, int sign) {
        sums.checkLength(values.length());
        boolean setShift = sums.needsShift();
        int n = values.length();
        int per = stripes <= 1 || n < 2 * CHUNK ? n : (n / stripes + CHUNK - 1) / CHUNK * CHUNK;
        try {
            if (per >= n) {
                applyStripe(values, 0, 0, n, w, sign, setShift);
            } else {
                Executor executor = java.util.Objects.requireNonNull(helpers);
                @SuppressWarnings({"unchecked", "rawtypes"})
                CompletableFuture<Void>[] others = new CompletableFuture[stripes - 1];
                for (int k = 1; k < stripes; k++) {
                    int from = Math.min(n, k * per);
                    int to = k == stripes - 1 ? n : Math.min(n, (k + 1) * per);
                    int stripe = k;
                    others[k - 1] = CompletableFuture.runAsync(
                            () -> applyStripe(values, stripe, from, to, w, sign, setShift), executor);
                }
                RuntimeException failure = null;
                try {
                    applyStripe(values, 0, 0, per, w, sign, setShift);
                } catch (RuntimeException e) {
                    failure = e;
                }
                for (CompletableFuture<Void> f : others) { // wait for every stripe: they all write the sums
                    try {
                        f.join();
                    } catch (CompletionException e) {
                        RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
                        if (failure == null) {
                            failure = cause;
                        } else {
                            failure.addSuppressed(cause);
                        }
                    }
                }
                if (failure != null) {
                    throw failure;
                }
            }
        } catch (RuntimeException e) {
            broken = e;
            throw e;
        }
        sums.finish(w, sign);
    }

    private void applyStripe(
            SnapshotValues values, int stripe, int from, int to, double w, int sign, boolean setShift) {
        double[] chunk = chunks[stripe];
        if (chunk.length < CHUNK) {
            chunk = new double[CHUNK];
            chunks[stripe] = chunk;
        }
        for (int at = from; at < to; at += CHUNK) { // from is a multiple of CHUNK
            int count = Math.min(CHUNK, to - at);
            values.copy(at, chunk, count);
            sums.applyBlock(chunk, at / CHUNK, w, sign, setShift);
        }
    }

    /** The sequence number of the snapshot {@code task} contributes now, or -1 when it contributes none. */
    public long seqOf(TaskId task) {
        Snapshot.SnapshotRef r = latest.get(task);
        return r == null ? -1 : r.seq();
    }

    /** Removes a task's contribution (a failed replica). */
    public void exclude(TaskId task) {
        checkUsable();
        Snapshot.SnapshotRef prior = latest.remove(task);
        if (prior == null) {
            return;
        }
        switch (op) {
            case MEAN, SUM -> applySums(SnapshotValues.of(source.apply(prior)), 1, -1);
            case WEIGHTED_MEAN -> applySums(SnapshotValues.of(source.apply(prior)), prior.weight(), -1);
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
        checkUsable();
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
