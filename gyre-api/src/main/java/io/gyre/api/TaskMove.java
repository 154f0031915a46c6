package io.gyre.api;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One task's state change in a {@link StateStore#moveTasks} batch: the state and attempt count the mover
 * believes the task is at (the compare-and-set condition, instead of a version the mover would have to read
 * first), the state it moves to, and what goes with it.
 *
 * <p>A move to a final state or to {@link TaskState#RETRY_WAIT} ends an attempt and writes {@code exitCode},
 * {@code endedAt}, {@code failure} and {@code outputs} (absent values clear the field), as
 * {@link TaskRecord#ended} does; any other move keeps those fields, as {@link TaskRecord#withState} does. A move
 * with an {@code item} queues it; it must be a move to {@link TaskState#READY} whose item is the task's next
 * attempt ({@code attempts + 1}).
 *
 * @param attempts the task's stored attempt count (attempts started so far)
 */
public record TaskMove(
        TaskId task,
        TaskState from,
        int attempts,
        TaskState to,
        @Nullable Integer exitCode,
        @Nullable Instant endedAt,
        @Nullable Failure failure,
        Map<String, String> outputs,
        @Nullable WorkItem item) {
    public TaskMove {
        outputs = Map.copyOf(outputs);
        if (attempts < 0) {
            throw new GyreException("a task move needs attempts >= 0, not " + attempts + " (task " + task + ")");
        }
        if (item != null) {
            if (to != TaskState.READY) {
                throw new GyreException("a task move queues a work item only when it makes the task ready, not "
                        + to.wireName() + " (task " + task + ")");
            }
            if (!item.task().equals(task) || item.attempt() != attempts + 1) {
                throw new GyreException("the work item of a move of task " + task + " at " + attempts
                        + " attempts must be attempt " + (attempts + 1) + " of that task, not attempt "
                        + item.attempt() + " of " + item.task());
            }
        }
    }

    /** Makes a task ready (from pending, waiting to retry, or running with a lost lease) and queues its item. */
    public static TaskMove ready(TaskState from, WorkItem item) {
        return new TaskMove(item.task(), from, item.attempt() - 1, TaskState.READY, null, null, null, Map.of(), item);
    }

    /** Ends an attempt (or a task that never started): moves to a final state or to waiting for a retry. */
    public static TaskMove end(
            TaskId task,
            TaskState from,
            int attempts,
            TaskState to,
            @Nullable Integer exitCode,
            Instant at,
            @Nullable Failure failure,
            Map<String, String> outputs) {
        if (!to.isFinal() && to != TaskState.RETRY_WAIT) {
            throw new GyreException("TaskMove.end moves to a final state or retry_wait, not " + to.wireName());
        }
        return new TaskMove(task, from, attempts, to, exitCode, at, failure, outputs, null);
    }

    /** The record {@code t} after this move, at {@code t}'s version (the expected version of a write). */
    public TaskRecord applyTo(TaskRecord t) {
        if (!endsAttempt()) {
            return t.withState(to);
        }
        Instant at = endedAt;
        if (at == null) {
            throw new GyreException("a move of task " + task + " to " + to.wireName() + " needs the time it ended");
        }
        return t.ended(to, exitCode, at, failure, outputs);
    }

    /** Whether this move ends an attempt, and so writes the exit code, end time, failure and outputs. */
    public boolean endsAttempt() {
        return to.isFinal() || to == TaskState.RETRY_WAIT;
    }
}
