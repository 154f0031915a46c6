package io.gyre.core;

import io.gyre.api.ClusterRegistry;
import io.gyre.api.RunId;
import io.gyre.api.StateQueries;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import java.io.Writer;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;

/**
 * What the {@code submit}, {@code status}, {@code cancel}, {@code logs} and {@code pools} commands ask of a Gyre
 * deployment. Today it talks to the store and the shared data directory directly
 * ({@link #overStore}); a later HTTP API implements the same interface on the client side, so the commands do not
 * change.
 */
public interface RunClient extends AutoCloseable {
    /** Records a validated run (its directory and its pending tasks) and announces it to the orchestrators. */
    RunId submit(LocalRun.Prepared prepared);

    /** The run's state and every task's, plus the ready tasks no live worker can serve. */
    ClusterRunStatus status(RunId run);

    /** Asks for the run to be cancelled; throws if it is unknown or already ended. */
    void cancel(RunId run, String reason);

    /** Copies a task's stdout (or stderr) log to {@code out}; throws if the task has not run. */
    void copyLog(RunId run, TaskId task, boolean stderr, Writer out);

    /** Every pool (queue and label requirements) of the announced runs, with its desired worker count. */
    List<PoolStatus> pools(PoolScaling scaling);

    @Override
    void close();

    /**
     * A client over the store and the shared directory holding run directories.
     *
     * @param runsDir {@code <data-dir>/runs}, shared with the orchestrators and workers
     */
    static RunClient overStore(
            StateStore store, StateQueries queries, ClusterRegistry registry, Path runsDir, InstantSource clock) {
        return new StoreRunClient(store, queries, registry, runsDir, clock);
    }
}
