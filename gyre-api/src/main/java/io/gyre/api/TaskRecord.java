package io.gyre.api;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One task of one run as the store holds it. {@code version} increases by one with every write.
 *
 * @param attempts attempts started so far
 * @param outputs {@code KEY=value} pairs the task published for its dependents (small)
 */
public record TaskRecord(
        RunId run,
        TaskId id,
        TaskState state,
        long version,
        int attempts,
        @Nullable Integer exitCode,
        @Nullable Instant startedAt,
        @Nullable Instant endedAt,
        @Nullable Failure failure,
        Map<String, String> outputs) {
    public TaskRecord {
        outputs = Map.copyOf(outputs);
    }

    public static TaskRecord pending(RunId run, TaskId id) {
        return new TaskRecord(run, id, TaskState.PENDING, 0, 0, null, null, null, null, Map.of());
    }

    public TaskRecord withState(TaskState next) {
        return new TaskRecord(run, id, next, version, attempts, exitCode, startedAt, endedAt, failure, outputs);
    }

    public TaskRecord started(int attempt, Instant at) {
        return new TaskRecord(run, id, TaskState.RUNNING, version, attempt, null, at, null, null, outputs);
    }

    public TaskRecord ended(
            TaskState next, @Nullable Integer exit, Instant at, @Nullable Failure why, Map<String, String> out) {
        return new TaskRecord(run, id, next, version, attempts, exit, startedAt, at, why, out);
    }

    public TaskRecord withVersion(long v) {
        return new TaskRecord(run, id, state, v, attempts, exitCode, startedAt, endedAt, failure, outputs);
    }

    public Optional<Failure> failureOf() {
        return Optional.ofNullable(failure);
    }
}
