package io.gyre.core;

import io.gyre.api.Failure;
import io.gyre.api.RunId;
import io.gyre.api.TaskId;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What {@code tasks/<id>/status.json} holds: one task's latest state. Times are ISO-8601 instants. */
public record TaskStatus(
        String id,
        String state,
        int attempts,
        @Nullable Integer exitCode,
        @Nullable String startedAt,
        @Nullable String endedAt,
        @Nullable String failureType,
        @Nullable String failureMessage,
        Map<String, String> outputs) {

    /** The status of a task as the store holds it. */
    public static TaskStatus of(TaskRecord r) {
        Failure f = r.failure();
        return new TaskStatus(
                r.id().value(),
                r.state().wireName(),
                r.attempts(),
                r.exitCode(),
                r.startedAt() == null ? null : r.startedAt().toString(),
                r.endedAt() == null ? null : r.endedAt().toString(),
                f == null ? null : f.type(),
                f == null ? null : f.message(),
                r.outputs());
    }

    /** The store record this status describes (used to resume a run from its directory). */
    public TaskRecord toRecord(RunId run) {
        Failure f = failureType == null
                ? null
                : new Failure(failureType, failureMessage == null ? "" : failureMessage, false);
        return new TaskRecord(
                run,
                TaskId.of(id),
                TaskState.valueOf(state.toUpperCase(java.util.Locale.ROOT)),
                0,
                attempts,
                exitCode,
                startedAt == null ? null : Instant.parse(startedAt),
                endedAt == null ? null : Instant.parse(endedAt),
                f,
                outputs);
    }
}
