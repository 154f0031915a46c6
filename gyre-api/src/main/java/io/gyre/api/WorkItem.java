package io.gyre.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of a task, resolved and ready to run: what a queue holds and what a worker needs. Small by
 * design (it travels through the state store); bulk data lives in the object store.
 *
 * @param env the task's environment after macro resolution and context merge (without the GYRE_* variables,
 *     which the worker adds)
 */
public record WorkItem(
        RunId run,
        TaskId task,
        int attempt,
        Action action,
        Map<String, String> env,
        @Nullable Duration timeout,
        QueueName queue,
        Map<String, String> labels) {
    public WorkItem {
        if (attempt < 1) {
            throw new GyreException("attempt numbers start at 1, not " + attempt);
        }
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        labels = Map.copyOf(labels);
    }

    public Optional<Duration> timeoutOf() {
        return Optional.ofNullable(timeout);
    }
}
