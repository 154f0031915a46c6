package io.gyre.core;

import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.TaskLaunch;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Enforces attempt timeouts: cancels an attempt with {@link Executor#TIMEOUT} once its launch's timeout has
 * passed. Executors do not time attempts themselves; the worker arms this around {@link Executor#execute}:
 *
 * <pre>{@code
 * try (AttemptTimer.Armed timer = attemptTimer.arm(launch, cancel)) {
 *     outcome = executor.execute(launch, cancel);
 * }
 * }</pre>
 *
 * <p>Time comes from the injected scheduler, so tests can drive it.
 */
public final class AttemptTimer {
    private static final Armed UNARMED = () -> {};

    private final ScheduledExecutorService scheduler;

    public AttemptTimer(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Schedules {@code cancel.cancel(Executor.TIMEOUT)} after {@code launch.timeout()}; a launch without a
     * timeout schedules nothing.
     *
     * @return a handle whose {@link Armed#close()} disarms the timer; call it when the attempt ends
     */
    public Armed arm(TaskLaunch launch, Cancellation cancel) {
        Duration timeout = launch.timeout();
        if (timeout == null) {
            return UNARMED;
        }
        ScheduledFuture<?> fire =
                scheduler.schedule(() -> cancel.cancel(Executor.TIMEOUT), timeout.toNanos(), TimeUnit.NANOSECONDS);
        return () -> fire.cancel(false);
    }

    /** An armed timer; closing it disarms it and is idempotent. */
    @FunctionalInterface
    public interface Armed extends AutoCloseable {
        /** Disarms the timer. Does nothing if it already fired. */
        @Override
        void close();
    }
}
