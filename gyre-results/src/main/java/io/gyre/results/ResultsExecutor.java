package io.gyre.results;

import io.gyre.api.Action;
import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.ObjectStore;
import io.gyre.api.RunId;
import io.gyre.api.StateStore;
import io.gyre.api.TaskLaunch;
import io.gyre.api.TaskOutcome;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Gives every attempt a results directory, {@code $GYRE_RESULTS_DIR} ({@code tasks/<id>/results/} beside the
 * task's working directory), and publishes the snapshots the task writes there while it runs: within
 * {@link ResultsInbox#EVERY} of a file appearing it is stored as Parquet and announced by a
 * {@code partial_result} event. When the attempt ends, what it left is published before its outcome is
 * reported, so a task's last snapshot is part of the merge its dependents see.
 */
public final class ResultsExecutor implements Executor, AutoCloseable {
    /** The environment variable naming the directory a task writes result snapshots into. */
    public static final String ENV = "GYRE_RESULTS_DIR";

    private final Executor inner;
    private final ResultsInbox inbox;
    private final ResultPublisher publisher;

    /**
     * @param events where {@code partial_result} events go (the run's state store)
     * @param objects each run's object store (its run directory locally), where snapshots are written
     */
    public ResultsExecutor(
            Executor inner,
            StateStore events,
            Function<RunId, ObjectStore> objects,
            InstantSource clock,
            ScheduledExecutorService timers) {
        this.inner = inner;
        this.inbox = new ResultsInbox(timers);
        this.publisher = new ResultPublisher(events, objects, clock);
    }

    /** The results directory of an attempt: {@code results/} beside its working directory. */
    public static Path inboxOf(TaskLaunch launch) {
        return launch.workDir().resolveSibling("results");
    }

    @Override
    public boolean supports(Action action) {
        return inner.supports(action);
    }

    @Override
    public TaskOutcome execute(TaskLaunch launch, Cancellation cancel) {
        Path dir = inboxOf(launch).toAbsolutePath();
        Map<String, String> env = new LinkedHashMap<>(launch.env());
        env.put(ENV, dir.toString());
        TaskLaunch withResults = new TaskLaunch(
                launch.run(),
                launch.task(),
                launch.attempt(),
                launch.action(),
                env,
                launch.workDir(),
                launch.stdout(),
                launch.stderr(),
                launch.outputFile(),
                launch.timeout());
        ResultsInbox.Watch watch;
        try {
            watch = inbox.watch(dir, file -> publisher.publish(launch.run(), launch.task(), launch.attempt(), file));
        } catch (RuntimeException e) {
            // No results directory (a full disk): the task still runs; what it writes there is not published.
            return inner.execute(withResults, cancel);
        }
        try {
            return inner.execute(withResults, cancel);
        } finally {
            try {
                watch.close();
            } catch (RuntimeException trouble) {
                // Publishing what the attempt left failed (the store is unreachable): the files stay in the
                // results directory and the task's outcome stands; the next attempt or scan publishes them.
            }
            publisher.forget(launch.run(), launch.task(), launch.attempt());
        }
    }

    @Override
    public void close() {
        inbox.close();
    }
}
