package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Action;
import io.gyre.api.Backoff;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.Flow;
import io.gyre.api.JavaTask;
import io.gyre.api.RetryPolicy;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.TaskId;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskSpec;
import io.gyre.api.TaskState;
import io.gyre.api.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's scheduling and failure semantics, through Engine with in-process Java tasks. */
class EngineBehaviourTest {
    private final List<String> order = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, JavaTask> registry = new ConcurrentHashMap<>();
    private final Stores.InMemoryStore store = Stores.inMemory(java.time.InstantSource.system());
    private @Nullable Engine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    static TaskSpec task(String id, String... needs) {
        return TaskSpec.of(
                TaskId.of(id),
                new Action.Java(id),
                List.of(needs).stream().map(TaskId::of).toList());
    }

    private void ok(String... names) {
        for (String n : names) {
            registry.put(n, (launch, cancel) -> {
                order.add(n);
                return TaskOutcome.success();
            });
        }
    }

    private void failing(String name) {
        registry.put(name, (launch, cancel) -> {
            order.add(name);
            return new TaskOutcome.Failed(3, io.gyre.api.Failure.exit(3));
        });
    }

    /** Starts a run; the engine (and its executor's task registry) is built on first use. */
    private RunHandle start(TaskSpec... tasks) {
        if (engine == null) {
            engine = Engine.builder()
                    .store(store)
                    .executor(Executors.inProcess(registry))
                    .parallel(2)
                    .build();
        }
        return engine.start(RunSpec.of(Plan.of(Flow.of("t", List.of(tasks))), Instant.now()));
    }

    private Map<String, TaskState> states(RunHandle h) {
        Map<String, TaskState> m = new java.util.TreeMap<>();
        for (TaskRecord r : store.tasks(h.id())) {
            m.put(r.id().value(), r.state());
        }
        return m;
    }

    private List<EventKind> kinds(RunHandle h, String task) {
        return store.events(h.id(), 0, 100_000).stream()
                .filter(e -> e.task() != null && e.task().value().equals(task))
                .map(Event::kind)
                .toList();
    }

    @Test
    void aDiamondRunsEveryTaskOnceAfterItsNeeds() throws Exception {
        ok("a", "b", "c", "d");
        RunHandle h = start(task("a"), task("b", "a"), task("c", "a"), task("d", "b", "c"));
        RunRecord end = h.await(Duration.ofSeconds(10));
        assertThat(end.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(order).hasSize(4).startsWith("a").endsWith("d");
        assertThat(states(h).values()).containsOnly(TaskState.SUCCEEDED);
    }

    @Test
    void aFailureSkipsItsDependentsWhileIndependentBranchesAndAlwaysTasksRun() throws Exception {
        ok("b", "x", "y", "cleanup");
        failing("a");
        RunHandle h = start(
                task("a"),
                task("b", "a"),
                task("c", "b"),
                task("x"),
                task("y", "x"),
                task("cleanup", "c", "y").withWhen(Trigger.ALWAYS));
        RunRecord end = h.await(Duration.ofSeconds(10));
        assertThat(end.state()).isEqualTo(RunState.FAILED);
        assertThat(states(h))
                .containsEntry("a", TaskState.FAILED)
                .containsEntry("b", TaskState.SKIPPED)
                .containsEntry("c", TaskState.SKIPPED)
                .containsEntry("x", TaskState.SUCCEEDED)
                .containsEntry("y", TaskState.SUCCEEDED)
                .containsEntry("cleanup", TaskState.SUCCEEDED);
        assertThat(order).doesNotContain("b", "c").contains("cleanup");
        assertThat(order.indexOf("cleanup")).isGreaterThan(order.indexOf("y"));
    }

    @Test
    void aTaskStartsAsSoonAsItsOwnNeedsAreDoneWithoutALevelBarrier() throws Exception {
        CountDownLatch slowRelease = new CountDownLatch(1);
        CountDownLatch fastChildRan = new CountDownLatch(1);
        registry.put("slow", (l, c) -> {
            try {
                // The fast branch's child must run while this level-0 task is still running.
                assertThat(fastChildRan.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            slowRelease.countDown();
            return TaskOutcome.success();
        });
        ok("fast");
        registry.put("child", (l, c) -> {
            fastChildRan.countDown();
            return TaskOutcome.success();
        });
        RunHandle h = start(task("slow"), task("fast"), task("child", "fast"));
        assertThat(h.await(Duration.ofSeconds(15)).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(slowRelease.getCount()).isZero();
    }

    @Test
    void aFailedAttemptIsRetriedUntilItSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        registry.put(
                "flaky",
                (l, c) -> calls.incrementAndGet() < 3
                        ? new TaskOutcome.Failed(1, io.gyre.api.Failure.exit(1))
                        : TaskOutcome.success());
        RunHandle h = start(task("flaky")
                .withRetry(new RetryPolicy(
                        3, new Backoff(Backoff.Kind.EXPONENTIAL, Duration.ofMillis(5), Duration.ofMillis(20), 0.5))));
        assertThat(h.await(Duration.ofSeconds(10)).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(calls).hasValue(3);
        assertThat(store.task(h.id(), TaskId.of("flaky")).attempts()).isEqualTo(3);
        assertThat(kinds(h, "flaky"))
                .containsSubsequence(
                        EventKind.TASK_READY,
                        EventKind.TASK_STARTED,
                        EventKind.TASK_RETRY_SCHEDULED,
                        EventKind.TASK_READY,
                        EventKind.TASK_STARTED,
                        EventKind.TASK_RETRY_SCHEDULED,
                        EventKind.TASK_READY,
                        EventKind.TASK_STARTED,
                        EventKind.TASK_SUCCEEDED);
    }

    @Test
    void retriesRunOutAndTheTaskFails() throws Exception {
        failing("bad");
        RunHandle h = start(task("bad").withRetry(new RetryPolicy(2, Backoff.NONE)));
        assertThat(h.await(Duration.ofSeconds(10)).state()).isEqualTo(RunState.FAILED);
        assertThat(order).containsExactly("bad", "bad", "bad");
        TaskRecord r = store.task(h.id(), TaskId.of("bad"));
        assertThat(r.state()).isEqualTo(TaskState.FAILED);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.failure()).isNotNull();
    }

    @Test
    void cancellingStopsRunningAttemptsAndCancelsWhatHasNotRun() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        registry.put("long", (l, cancel) -> {
            CountDownLatch stop = new CountDownLatch(1);
            cancel.onCancel(stop::countDown);
            started.countDown();
            try {
                stop.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new TaskOutcome.Cancelled(143, cancel.reason().orElse("?"));
        });
        ok("after");
        RunHandle h = start(task("long"), task("after", "long"));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        h.cancel("test");
        RunRecord end = h.await(Duration.ofSeconds(10));
        assertThat(end.state()).isEqualTo(RunState.CANCELLED);
        assertThat(states(h)).containsEntry("long", TaskState.CANCELLED).containsEntry("after", TaskState.CANCELLED);
        assertThat(order).doesNotContain("after");
    }

    @Test
    void outputsOfATaskReachItsDependentsEnvironment() throws Exception {
        Map<String, String> seen = new ConcurrentHashMap<>();
        registry.put("producer", (l, c) -> new TaskOutcome.Succeeded(0, Map.of("MODEL", "m-42")));
        registry.put("consumer", (l, c) -> {
            seen.putAll(l.env());
            return TaskOutcome.success();
        });
        registry.put("grandchild", (l, c) -> {
            seen.put("grandchild-saw", l.env().getOrDefault("MODEL", "none"));
            return TaskOutcome.success();
        });
        RunHandle h = start(task("producer"), task("consumer", "producer"), task("grandchild", "consumer"));
        assertThat(h.await(Duration.ofSeconds(10)).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(seen).containsEntry("MODEL", "m-42").containsEntry("grandchild-saw", "m-42");
        assertThat(seen)
                .containsEntry("GYRE_TASK_ID", "consumer")
                .containsEntry("GYRE_ATTEMPT", "1")
                .containsKeys("GYRE_RUN_ID", "GYRE_WORKDIR", "GYRE_OUTPUT");
    }

    @Test
    void eventsAreNumberedWithoutGapsAndEndWithTheRunOutcome() throws Exception {
        ok("a", "b");
        RunHandle h = start(task("a"), task("b", "a"));
        h.await(Duration.ofSeconds(10));
        List<Event> events = store.events(h.id(), 0, 1000);
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).seq()).isEqualTo(i + 1L);
        }
        assertThat(events.getFirst().kind()).isEqualTo(EventKind.RUN_STARTED);
        assertThat(events.getLast().kind()).isEqualTo(EventKind.RUN_SUCCEEDED);
        assertThat(store.leaseCount()).isZero();
    }
}
