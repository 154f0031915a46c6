package io.gyre.core;

import io.gyre.api.Completion;
import io.gyre.api.GyreException;
import io.gyre.api.RunRecord;
import io.gyre.api.StateStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one taker of an adopted run's completion inbox (ADR 0012): a virtual thread that takes a batch through
 * the fenced view, hands it to the driver, and takes the next only once that batch is recorded, which is what
 * makes the store's in-flight acknowledgement correct. If the take fails (another orchestrator claimed the run,
 * or the store is unreachable) the driver is abandoned: a new owner, or this one after claiming the run again,
 * re-delivers what was in flight.
 */
final class InboxTaker {
    private static final Duration TAKE_WAIT = Duration.ofSeconds(1);
    private static final int BATCH = 512;

    private InboxTaker() {}

    /** Starts the taker of {@code driver}'s run; it stops when the driver is done or the thread is interrupted. */
    static Thread start(StateStore fenced, RunDriver driver) {
        return Thread.ofVirtual().name("gyre-inbox-" + driver.run()).start(() -> take(fenced, driver));
    }

    private static void take(StateStore fenced, RunDriver driver) {
        CompletableFuture<RunRecord> done = driver.done();
        while (!done.isDone() && !Thread.currentThread().isInterrupted()) {
            List<Completion> batch;
            try {
                batch = fenced.takeCompletions(driver.run(), BATCH, TAKE_WAIT);
            } catch (GyreException e) {
                driver.abandon(String.valueOf(e.getMessage()));
                return;
            }
            if (!batch.isEmpty()) {
                CompletableFuture.anyOf(driver.deliver(batch), done).join();
            }
        }
    }
}
