package io.gyre.api;

import java.util.Locale;

/** The canonical kinds of event a run records, in {@code events.jsonl} and in the store. */
public enum EventKind {
    RUN_STARTED,
    RUN_RESUMED,
    RUN_SUCCEEDED,
    RUN_FAILED,
    RUN_CANCELLED,
    /** A failed, skipped or cancelled task was reset to pending by a resume. */
    TASK_RESUMED,
    TASK_READY,
    /** A dynamic sweep read its lists and created its instances. */
    TASK_EXPANDED,
    TASK_STARTED,
    TASK_OUTPUT,
    TASK_SUCCEEDED,
    TASK_FAILED,
    TASK_RETRY_SCHEDULED,
    TASK_LEASE_EXPIRED,
    TASK_SKIPPED,
    TASK_CANCELLED,
    /** A running task published a result snapshot (task, name, seq, weight, bytes). */
    PARTIAL_RESULT,
    /** A file a task put into its results directory could not be read (task, file, reason); nothing was stored. */
    PARTIAL_RESULT_REJECTED;

    /** Whether this kind reports a published result rather than a change of a task's or run's state. */
    public boolean isResult() {
        return this == PARTIAL_RESULT || this == PARTIAL_RESULT_REJECTED;
    }

    /** The name written to JSON: {@code task_retry_scheduled}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EventKind fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
