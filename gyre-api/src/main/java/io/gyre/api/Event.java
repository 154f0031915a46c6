package io.gyre.api;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened in a run. {@code seq} is assigned by the store on append and is strictly increasing
 * within a run, without gaps.
 *
 * @param data small string attributes (attempt, exit code, reason, ...); never bulk data
 */
public record Event(
        RunId run,
        long seq,
        Instant time,
        EventKind kind,
        @Nullable TaskId task,
        Map<String, String> data) {
    public Event {
        data = Map.copyOf(data);
    }

    /** An event not yet appended (its sequence number is assigned by the store). */
    public static Event of(RunId run, Instant time, EventKind kind, @Nullable TaskId task, Map<String, String> data) {
        return new Event(run, 0, time, kind, task, data);
    }

    public Event withSeq(long newSeq) {
        return new Event(run, newSeq, time, kind, task, data);
    }

    public Optional<TaskId> taskId() {
        return Optional.ofNullable(task);
    }
}
