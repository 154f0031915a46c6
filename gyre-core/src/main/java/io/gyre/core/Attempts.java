package io.gyre.core;

import io.gyre.api.Completion;
import io.gyre.api.Failure;
import io.gyre.api.TaskMove;
import io.gyre.api.TaskState;
import io.gyre.api.WorkItem;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The values a {@link RunDriver} makes of a task's attempts: the work item of a given or the next attempt, the
 * move that ends a completed attempt, and the event data of a failed one. Stateless; the success path calls
 * {@link #withAttempt} and {@link #end}, which allocate only what the driver did before they were split out.
 */
final class Attempts {
    private Attempts() {}

    /** The item of the attempt after {@code item}'s. */
    static WorkItem next(WorkItem item) {
        return withAttempt(item, item.attempt() + 1);
    }

    /** {@code item} as attempt {@code attempt}: the same object if it already is. */
    static WorkItem withAttempt(WorkItem item, int attempt) {
        return item.attempt() == attempt
                ? item
                : new WorkItem(
                        item.run(),
                        item.task(),
                        attempt,
                        item.action(),
                        item.env(),
                        item.timeout(),
                        item.queue(),
                        item.labels());
    }

    /** The move ending the completed attempt {@code c} (its task is running at that attempt). */
    static TaskMove end(
            Completion c, TaskState to, int exitCode, @Nullable Failure failure, Map<String, String> outputs) {
        return TaskMove.end(
                c.item().task(), TaskState.RUNNING, c.item().attempt(), to, exitCode, c.at(), failure, outputs);
    }

    /** The data of an event about failure {@code f}; mutable, so a caller can add to it. */
    static Map<String, String> failureData(Failure f, int exitCode, @Nullable Integer attempt) {
        Map<String, String> data = new HashMap<>();
        data.put("type", f.type());
        data.put("message", f.message());
        data.put("exit_code", Integer.toString(exitCode));
        if (attempt != null) {
            data.put("attempt", Integer.toString(attempt));
        }
        return data;
    }
}
