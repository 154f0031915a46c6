package io.gyre.core;

import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.Failure;
import io.gyre.api.TaskLaunch;
import io.gyre.api.TaskOutcome;
import java.time.Duration;

/** Turns a fired cancellation into the outcome the {@link Executor} contract asks for. */
final class Cancellations {
    /** The reason used when the executing thread was interrupted without a cancellation. */
    static final String INTERRUPTED = "interrupted";

    private Cancellations() {}

    /** A timeout becomes a retryable {@code timeout} failure; any other reason a {@code Cancelled}. */
    static TaskOutcome outcome(int exitCode, Cancellation cancel, TaskLaunch launch) {
        String reason = cancel.reason().orElse(INTERRUPTED);
        if (reason.equals(Executor.TIMEOUT)) {
            Duration timeout = launch.timeout();
            Failure failure = timeout == null
                    ? new Failure("timeout", "timed out; the process tree was killed", true)
                    : Failure.timeout(timeout);
            return new TaskOutcome.Failed(exitCode, failure);
        }
        return new TaskOutcome.Cancelled(exitCode, reason);
    }
}
