package io.gyre.results;

import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.EventListener;
import io.gyre.api.Flow;
import io.gyre.api.MergeOp;
import io.gyre.api.MergeSpec;
import io.gyre.api.ObjectStore;
import io.gyre.api.RunId;
import io.gyre.api.TaskId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The live merged view of a run's results. It listens to the run's events: each {@code partial_result} is read
 * from the object store and merged incrementally (a task's newer snapshot replaces its older contribution), a
 * task that fails is excluded. At most every {@link #WRITE_EVERY} while results change, and once more when
 * closed, it writes {@code results/merged/<name>.parquet}, {@code results/results.json} and
 * {@code results/summary.txt}.
 *
 * <p>Merging happens on the view's own thread, never on the engine's: a slow disk delays the view, not the run.
 */
public final class ResultsView implements EventListener, AutoCloseable {
    static final Duration WRITE_EVERY = Duration.ofMillis(250);
    static final long LIVE_RENDER_LIMIT = 100_000;
    private static final Event STOP =
            Event.of(RunId.of("stop"), java.time.Instant.EPOCH, EventKind.RUN_CANCELLED, null, Map.of());

    private final Flow flow;
    private final SnapshotStore snapshots;
    private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final Map<String, ResultMerger> mergers = new TreeMap<>();
    /** The last view of each result, by name, and the results changed since (only those are recomputed). */
    private final Map<String, MergedResult> views = new TreeMap<>();

    private final Set<String> changed = new java.util.HashSet<>();
    private final List<String> problems = new ArrayList<>();
    /** Tasks whose contribution was taken out (failed attempts) and that have not published since. */
    private final Set<TaskId> excluded = new java.util.HashSet<>();

    private final Thread thread;
    private volatile List<MergedResult> current = List.of();
    private volatile @Nullable RuntimeException failure;

    private ResultsView(RunId run, Flow flow, ObjectStore objects) {
        this.flow = flow;
        this.snapshots = new SnapshotStore(objects, ResultPublisher.RESULTS);
        this.thread = Thread.ofPlatform()
                .daemon(true)
                .name("gyre-results-" + run.value())
                .unstarted(this::loop);
    }

    /** A view of a new run. */
    public static ResultsView start(RunId run, Flow flow, ObjectStore objects) {
        ResultsView v = new ResultsView(run, flow, objects);
        v.thread.start();
        return v;
    }

    /**
     * A view of a resumed or adopted run, seeded with the newest stored snapshot of each task in {@code keep} (the
     * tasks that may contribute: not failed); the others contribute again when they publish.
     */
    public static ResultsView resume(RunId run, Flow flow, ObjectStore objects, Set<TaskId> keep) {
        ResultsView v = new ResultsView(run, flow, objects);
        v.seed(keep);
        v.publish();
        v.thread.start();
        return v;
    }

    @Override
    public void onEvent(Event e) {
        switch (e.kind()) {
            case PARTIAL_RESULT, TASK_FAILED, TASK_RETRY_SCHEDULED, TASK_LEASE_EXPIRED -> queue.add(e);
            default -> {}
        }
    }

    /** The merged results as of the last snapshot taken in, by name. */
    public List<MergedResult> current() {
        return current;
    }

    private void loop() {
        boolean dirty = false;
        long due = 0;
        try {
            while (true) {
                long wait = dirty ? Math.max(0, due - System.nanoTime()) : WRITE_EVERY.toNanos();
                Event e = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (e == STOP) {
                    break;
                }
                if (e != null) {
                    List<Event> batch = new ArrayList<>();
                    batch.add(e);
                    queue.drainTo(batch);
                    boolean stop = batch.remove(STOP);
                    batch.forEach(this::apply);
                    publish();
                    if (stop) {
                        break;
                    }
                    if (!dirty) {
                        dirty = true;
                        due = System.nanoTime() + WRITE_EVERY.toNanos();
                    }
                }
                if (dirty && System.nanoTime() >= due) {
                    write(false);
                    dirty = false;
                }
            }
            List<Event> rest = new ArrayList<>();
            queue.drainTo(rest);
            rest.forEach(this::apply);
            catchUp();
            publish();
            write(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /**
     * Takes in stored snapshots whose events have not reached this view (events from other processes arrive
     * asynchronously, and the view may close first): every task's newest snapshot that is newer than what it
     * contributes, unless the task was excluded. Only keys are listed; only newer snapshots are read.
     */
    private void catchUp() {
        try {
            snapshots.newest().forEach((nameAndTask, key) -> {
                TaskId task = nameAndTask.getValue();
                ResultMerger m = mergers.get(nameAndTask.getKey());
                long seq = SnapshotStore.seqOf(key);
                if (!excluded.contains(task) && (m == null || m.seqOf(task) < seq)) {
                    try {
                        merger(nameAndTask.getKey()).accept(snapshots.read(key));
                    } catch (RuntimeException bad) {
                        problems.add(task + ": " + bad.getMessage());
                    }
                }
            });
        } catch (RuntimeException unreachable) {
            problems.add("the stored snapshots could not be listed for a final check: " + unreachable.getMessage());
        }
    }

    private void apply(Event e) {
        TaskId task = e.task();
        if (task == null || e == STOP) {
            return;
        }
        if (e.kind() != EventKind.PARTIAL_RESULT) {
            // the attempt failed (finally, or to be retried) or lost its lease: its contribution is out until a
            // later attempt publishes again
            mergers.values().forEach(m -> m.exclude(task));
            changed.addAll(mergers.keySet());
            excluded.add(task);
            return;
        }
        excluded.remove(task);
        String key = e.data().get("key");
        String name = e.data().get("name");
        if (key == null || name == null) {
            return;
        }
        try {
            merger(name).accept(snapshots.read(key));
        } catch (RuntimeException bad) {
            // A snapshot that does not fit (another shape than the others): reported, the view goes on.
            problems.add(task + ": " + bad.getMessage());
        }
    }

    private void seed(Set<TaskId> keep) {
        snapshots.newest().forEach((nameAndTask, key) -> {
            if (keep.contains(nameAndTask.getValue())) {
                try {
                    merger(nameAndTask.getKey()).accept(snapshots.read(key));
                } catch (RuntimeException bad) {
                    problems.add(nameAndTask.getValue() + ": " + bad.getMessage());
                }
            }
        });
    }

    /** The merger of a result, marked changed: every caller is about to change it. */
    private ResultMerger merger(String name) {
        changed.add(name);
        return mergers.computeIfAbsent(name, n -> new ResultMerger(n, opOf(flow.mergeOf(n)), snapshots::values));
    }

    /** The merge a spec asks for: a weighted mean with equal weights is a plain mean. */
    public static MergeOp opOf(MergeSpec spec) {
        return spec.op() == MergeOp.WEIGHTED_MEAN && spec.weighting() == MergeSpec.Weighting.EQUAL
                ? MergeOp.MEAN
                : spec.op();
    }

    /** Recomputes the views of the results that changed since the last call (a view is a pass over the values). */
    private void publish() {
        for (String name : changed) {
            ResultMerger m = mergers.get(name);
            if (m != null) {
                views.put(name, m.view());
            }
        }
        changed.clear();
        current = List.copyOf(views.values());
    }

    /**
     * Writes the merged views. While the run is live the JSON and text renderings are rewritten only for results
     * of up to {@link #LIVE_RENDER_LIMIT} values in all (a million values are 20 MB of JSON, which would hold up
     * the merge); the final write always renders them.
     */
    private void write(boolean last) {
        List<MergedResult> views = current;
        try {
            views.forEach(snapshots::putMerged);
            long values = views.stream().mapToLong(r -> r.values().length).sum();
            if (!views.isEmpty() && (last || values <= LIVE_RENDER_LIMIT)) {
                snapshots.putRenderings(views, problems);
            }
        } catch (RuntimeException e) {
            // A full disk or an unreachable store: the live view goes on; the next write tries again.
            if (last) {
                throw e;
            }
        }
    }

    /** Takes in what is still queued, writes the final files, and stops. */
    @Override
    public void close() {
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RuntimeException f = failure;
        if (f != null) {
            throw new io.gyre.api.GyreException("the results view failed: " + f.getMessage(), f);
        }
    }
}
