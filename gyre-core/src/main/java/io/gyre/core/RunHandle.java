package io.gyre.core;

import io.gyre.api.GyreException;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A run started by an {@link Engine}: wait for it, or cancel it. */
public final class RunHandle {
    private final RunDriver driver;

    RunHandle(RunDriver driver) {
        this.driver = driver;
    }

    public RunId id() {
        return driver.run();
    }

    public Plan plan() {
        return driver.plan();
    }

    /** Completes with the final run record. */
    public CompletableFuture<RunRecord> done() {
        return driver.done();
    }

    /** Cancels the run gracefully: running attempts are stopped, nothing new starts. */
    public void cancel(String reason) {
        driver.cancel(reason);
    }

    private RunAbortedException stopped(ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return new RunAbortedException("run " + id() + " stopped: " + cause, cause);
    }

    /** Waits for the run to end and returns its final record. */
    public RunRecord await() throws InterruptedException {
        try {
            return driver.done().get();
        } catch (ExecutionException e) {
            throw stopped(e);
        }
    }

    /** Waits at most {@code limit}; throws {@link GyreException} if the run has not ended by then. */
    public RunRecord await(Duration limit) throws InterruptedException {
        try {
            return driver.done().get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw stopped(e);
        } catch (TimeoutException e) {
            throw new GyreException("run " + id() + " did not end within " + limit, e);
        }
    }
}
