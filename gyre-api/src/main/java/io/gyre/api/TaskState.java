package io.gyre.api;

import java.util.List;

/**
 * The lifecycle of one task in one run. {@link #MACHINE} is the only place the allowed changes are written.
 */
public enum TaskState {
    /** Waiting for its needs. */
    PENDING,
    /** All needs satisfied; queued for a worker. */
    READY,
    /** Claimed by a worker under a lease. */
    RUNNING,
    /** Failed, with attempts left; waiting for the backoff delay. */
    RETRY_WAIT,
    SUCCEEDED,
    FAILED,
    /** Not run because a need failed (or was skipped). */
    SKIPPED,
    CANCELLED;

    public static final StateMachine<TaskState> MACHINE = StateMachine.of(
            "task",
            TaskState.class,
            List.of(
                    new Transition<>(PENDING, READY, "needs_met"),
                    new Transition<>(PENDING, SKIPPED, "upstream_failed"),
                    new Transition<>(PENDING, CANCELLED, "cancelled"),
                    new Transition<>(PENDING, FAILED, "unresolvable"),
                    new Transition<>(READY, RUNNING, "claimed"),
                    new Transition<>(READY, CANCELLED, "cancelled"),
                    new Transition<>(RUNNING, SUCCEEDED, "succeeded"),
                    new Transition<>(RUNNING, FAILED, "failed"),
                    new Transition<>(RUNNING, RETRY_WAIT, "retry_scheduled"),
                    new Transition<>(RUNNING, READY, "lease_expired"),
                    new Transition<>(RUNNING, CANCELLED, "cancelled"),
                    new Transition<>(RETRY_WAIT, READY, "retry_due"),
                    new Transition<>(RETRY_WAIT, CANCELLED, "cancelled"),
                    new Transition<>(FAILED, PENDING, "resumed"),
                    new Transition<>(SKIPPED, PENDING, "resumed"),
                    new Transition<>(CANCELLED, PENDING, "resumed")));

    /** True once the task will not change again in this run (short of a resume). */
    public boolean isFinal() {
        return switch (this) {
            case SUCCEEDED, FAILED, SKIPPED, CANCELLED -> true;
            case PENDING, READY, RUNNING, RETRY_WAIT -> false;
        };
    }

    /** The lower-case name used in JSON and on the command line. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
