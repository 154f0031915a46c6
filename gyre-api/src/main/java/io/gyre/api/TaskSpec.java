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
 * @param point for an instance of a swept task ({@code train[0003]}), its point; null for an ordinary task. The
 *     instance's other fields are the swept task's, so instances share their action, env and labels.
 * @param fanOut for a dynamic sweep not yet expanded, where its values come from; null otherwise. Such a task is
 *     a placeholder: it runs no action itself but ends when the instances the engine creates for it have ended.
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
        Resources resources,
        @Nullable SweepPoint point,
        @Nullable FanOut fanOut) {
    public static final QueueName DEFAULT_QUEUE = QueueName.of("default");

    public TaskSpec {
        needs = List.copyOf(needs);
        // empty maps are shared: a million-instance sweep should not hold two million empty copies
        env = env.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        labels = labels.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** A task that is not a dynamic sweep. */
    public TaskSpec(
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
            Resources resources,
            @Nullable SweepPoint point) {
        this(id, description, action, needs, env, when, retry, timeout, queue, labels, resources, point, null);
    }

    /** A task that is not a sweep instance. */
    public TaskSpec(
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
        this(id, description, action, needs, env, when, retry, timeout, queue, labels, resources, null, null);
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

    /** The sweep point of an instance of a swept task; empty for an ordinary task. */
    public Optional<SweepPoint> sweepPoint() {
        return Optional.ofNullable(point);
    }

    /** Where a dynamic sweep's values come from, while it is not expanded; empty for any other task. */
    public Optional<FanOut> fanOutOf() {
        return Optional.ofNullable(fanOut);
    }

    /** This task as the placeholder of a dynamic sweep. */
    public TaskSpec withFanOut(FanOut source) {
        return new TaskSpec(
                id, description, action, needs, env, when, retry, timeout, queue, labels, resources, point, source);
    }

    /** An instance of this (swept) task: its own id, needs and point, everything else shared. */
    public TaskSpec instance(TaskId instanceId, List<TaskId> instanceNeeds, SweepPoint sweepPoint) {
        return new TaskSpec(
                instanceId,
                description,
                action,
                instanceNeeds,
                env,
                when,
                retry,
                timeout,
                queue,
                labels,
                resources,
                sweepPoint);
    }

    public TaskSpec withRetry(RetryPolicy policy) {
        return new TaskSpec(
                id, description, action, needs, env, when, policy, timeout, queue, labels, resources, point, fanOut);
    }

    public TaskSpec withWhen(Trigger trigger) {
        return new TaskSpec(
                id, description, action, needs, env, trigger, retry, timeout, queue, labels, resources, point, fanOut);
    }

    public TaskSpec withTimeout(@Nullable Duration limit) {
        return new TaskSpec(
                id, description, action, needs, env, when, retry, limit, queue, labels, resources, point, fanOut);
    }

    public TaskSpec withEnv(Map<String, String> entries) {
        return new TaskSpec(
                id, description, action, needs, entries, when, retry, timeout, queue, labels, resources, point, fanOut);
    }
}
