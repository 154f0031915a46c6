package io.gyre.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One task of a flow as declared (macros not yet resolved).
 *
 * @param env environment entries in declaration order; values may hold macros
 * @param timeout how long one attempt may run before its process tree is killed; null for no limit
 */
public record TaskSpec(
        TaskId id,
        String description,
        Action action,
        List<TaskId> needs,
        Map<String, String> env,
        Trigger when,
        RetryPolicy retry,
        @Nullable Duration timeout,
        QueueName queue,
        Map<String, String> labels,
        Resources resources) {
    public static final QueueName DEFAULT_QUEUE = QueueName.of("default");

    public TaskSpec {
        needs = List.copyOf(needs);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** A task with defaults for everything but its id, action and needs. */
    public static TaskSpec of(TaskId id, Action action, List<TaskId> needs) {
        return new TaskSpec(
                id,
                "",
                action,
                needs,
                Map.of(),
                Trigger.SUCCESS,
                RetryPolicy.NONE,
                null,
                DEFAULT_QUEUE,
                Map.of(),
                Resources.DEFAULT);
    }

    public Optional<Duration> timeoutOf() {
        return Optional.ofNullable(timeout);
    }

    public TaskSpec withRetry(RetryPolicy policy) {
        return new TaskSpec(id, description, action, needs, env, when, policy, timeout, queue, labels, resources);
    }

    public TaskSpec withWhen(Trigger trigger) {
        return new TaskSpec(id, description, action, needs, env, trigger, retry, timeout, queue, labels, resources);
    }

    public TaskSpec withTimeout(@Nullable Duration limit) {
        return new TaskSpec(id, description, action, needs, env, when, retry, limit, queue, labels, resources);
    }

    public TaskSpec withEnv(Map<String, String> entries) {
        return new TaskSpec(id, description, action, needs, entries, when, retry, timeout, queue, labels, resources);
    }
}
