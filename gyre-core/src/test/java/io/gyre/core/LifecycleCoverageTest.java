package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Action;
import io.gyre.api.Backoff;
import io.gyre.api.EventKind;
import io.gyre.api.Failure;
import io.gyre.api.Flow;
import io.gyre.api.JavaTask;
import io.gyre.api.RetryPolicy;
import io.gyre.api.RunId;
import io.gyre.api.RunState;
import io.gyre.api.StateMachine;
import io.gyre.api.TaskId;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskSpec;
import io.gyre.api.TaskState;
import io.gyre.api.Transition;
import io.gyre.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Drives the engine through scenarios that together take every transition of the task and run state machines,
 * fails if one was never taken, and checks that {@code docs/state-machines.md} shows the tables as they are.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleCoverageTest {
    private static final Set<Transition<TaskState>> TASK_SEEN = ConcurrentHashMap.newKeySet();
    private static final Set<Transition<RunState>> RUN_SEEN = ConcurrentHashMap.newKeySet();
    private static AutoCloseable taskObserver;
    private static AutoCloseable runObserver;

    private final ManualClock clock = new ManualClock();
    private final Stores.InMemoryStore store = Stores.inMemory(clock);

    @BeforeAll
    static void observe() {
        taskObserver = TaskState.MACHINE.observe(TASK_SEEN::add);
        runObserver = RunState.MACHINE.observe(RUN_SEEN::add);
    }

    @AfterAll
    static void stopObserving() throws Exception {
        taskObserver.close();
        runObserver.close();
    }

    private static TaskSpec task(String id, String... needs) {
        return TaskSpec.of(
                TaskId.of(id),
                new Action.Java(id),
                List.of(needs).stream().map(TaskId::of).toList());
    }

    private Engine engine(Map<String, JavaTask> tasks, int parallel) {
        return Engine.builder()
                .store(store)
                .clock(clock)
                .executor(Executors.inProcess(tasks))
                .parallel(parallel)
                .build();
    }

    private RunSpec spec(TaskSpec... tasks) {
        return RunSpec.of(Plan.of(Flow.of("coverage", List.of(tasks))), clock.instant());
    }

    private static JavaTask blockUntilCancelled(CountDownLatch started) {
        return (launch, cancel) -> {
            CountDownLatch stop = new CountDownLatch(1);
            cancel.onCancel(stop::countDown);
            started.countDown();
            try {
                stop.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new TaskOutcome.Cancelled(143, "stopped");
        };
    }

    @Test
    @Order(1)
    void successFailureSkipRetryAndResume() throws Exception {
        AtomicInteger flaky = new AtomicInteger();
        Map<String, JavaTask> tasks = new HashMap<>();
        tasks.put("ok", (l, c) -> TaskOutcome.success());
        tasks.put(
                "flaky",
                (l, c) -> flaky.incrementAndGet() == 1
                        ? new TaskOutcome.Failed(1, Failure.exit(1))
                        : TaskOutcome.success());
        tasks.put("bad", (l, c) -> new TaskOutcome.Failed(2, Failure.exit(2)));
        tasks.put("after", (l, c) -> TaskOutcome.success());
        RunSpec spec = spec(
                task("ok"),
                task("flaky").withRetry(new RetryPolicy(1, Backoff.NONE)),
                task("bad"),
                task("after", "bad"));
        try (Engine e = engine(tasks, 2)) {
            assertThat(e.start(spec).await(Duration.ofSeconds(10)).state()).isEqualTo(RunState.FAILED);
        }
        tasks.put("bad", (l, c) -> TaskOutcome.success());
        try (Engine e = engine(tasks, 2)) {
            assertThat(e.resume(spec).await(Duration.ofSeconds(10)).state()).isEqualTo(RunState.SUCCEEDED);
        }
        assertThat(store.task(spec.id(), TaskId.of("bad")).attempts()).isEqualTo(2);
        assertThat(store.task(spec.id(), TaskId.of("ok")).attempts()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void cancellationOfRunningReadyPendingAndRetryWaitingTasksThenResume() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Map<String, JavaTask> tasks = new HashMap<>();
        tasks.put("long", blockUntilCancelled(started));
        tasks.put("queued", (l, c) -> TaskOutcome.success());
        tasks.put("waiting", (l, c) -> TaskOutcome.success());
        tasks.put("retrying", (l, c) -> new TaskOutcome.Failed(1, Failure.exit(1)));
        RunSpec spec = spec(
                task("retrying")
                        .withRetry(new RetryPolicy(
                                5, new Backoff(Backoff.Kind.FIXED, Duration.ofHours(1), Duration.ZERO, 0))),
                task("long"),
                task("queued"),
                task("waiting", "long"));
        try (Engine e = engine(tasks, 1)) {
            RunHandle h = e.start(spec);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> store.task(spec.id(), TaskId.of("retrying")).state() == TaskState.RETRY_WAIT);
            h.cancel("test");
            assertThat(h.await(Duration.ofSeconds(10)).state()).isEqualTo(RunState.CANCELLED);
        }
        for (String t : List.of("retrying", "long", "queued", "waiting")) {
            assertThat(store.task(spec.id(), TaskId.of(t)).state()).as(t).isEqualTo(TaskState.CANCELLED);
        }
        tasks.put("long", (l, c) -> TaskOutcome.success());
        tasks.put("retrying", (l, c) -> TaskOutcome.success());
        try (Engine e = engine(tasks, 1)) {
            assertThat(e.resume(spec).await(Duration.ofSeconds(10)).state()).isEqualTo(RunState.SUCCEEDED);
        }
    }

    @Test
    @Order(3)
    void aLostLeaseSendsTheTaskBackToItsQueueAndTheLateResultIsNotCommitted() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Map<String, JavaTask> tasks = Map.of("slow", (l, c) -> {
            if (calls.incrementAndGet() == 1) {
                firstStarted.countDown();
                try {
                    releaseFirst.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new TaskOutcome.Succeeded(0, Map.of("FROM", "first"));
            }
            return new TaskOutcome.Succeeded(0, Map.of("FROM", "second"));
        });
        RunSpec spec = spec(task("slow"));
        try (Engine e = engine(tasks, 2)) {
            RunHandle h = e.start(spec);
            assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            clock.advance(LocalWorkers.LEASE_TTL.plusSeconds(1)); // the worker "stops heartbeating"
            assertThat(h.await(Duration.ofSeconds(15)).state()).isEqualTo(RunState.SUCCEEDED);
            releaseFirst.countDown();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.leaseCount() == 0);
        }
        var record = store.task(spec.id(), TaskId.of("slow"));
        assertThat(record.attempts()).isEqualTo(2);
        assertThat(record.outputs()).containsEntry("FROM", "second");
        var kinds =
                store.events(spec.id(), 0, 1000).stream().map(ev -> ev.kind()).toList();
        assertThat(kinds).containsOnlyOnce(EventKind.TASK_SUCCEEDED).contains(EventKind.TASK_LEASE_EXPIRED);
    }

    @Test
    @Order(4)
    void unresolvableTasksFailBeforeRunningAndCreatedRunsCanBeCancelled() throws Exception {
        TaskSpec needsCtx = task("uses-missing").withEnv(Map.of("X", "${ctx.NOT_PRODUCED}"));
        Plan plan = Plan.of(Flow.of("coverage", List.of(needsCtx)));
        RunId id = RunId.generate(clock.instant(), new SplittableRandom(1));
        MacroScope scope = new MacroScope(id, clock.instant(), new SplittableRandom(1), Map.of(), Map.of(), Map.of());
        RunSpec spec = new RunSpec(
                id, plan, clock.instant(), Map.of(), TaskResolvers.macros(scope, Map.of()), AttemptSetups.scratch());
        try (Engine e = engine(Map.of(), 1)) {
            assertThat(e.start(spec).await(Duration.ofSeconds(10)).state()).isEqualTo(RunState.FAILED);
            assertThat(store.task(id, TaskId.of("uses-missing"))
                            .failureOf()
                            .orElseThrow()
                            .message())
                    .contains("NOT_PRODUCED");

            RunSpec never = spec(task("x"));
            e.create(never);
            e.cancelCreated(never, "changed my mind");
            assertThat(store.run(never.id()).state()).isEqualTo(RunState.CANCELLED);
        }
    }

    @Test
    @Order(5)
    void everyTransitionWasTakenAndTheDiagramsAreCurrent() throws Exception {
        assertThat(unvisited(TaskState.MACHINE, TASK_SEEN))
                .as("task transitions never taken")
                .isEmpty();
        assertThat(unvisited(RunState.MACHINE, RUN_SEEN))
                .as("run transitions never taken")
                .isEmpty();
        Path doc = Path.of("..", "docs", "state-machines.md");
        String expected = render();
        if (Boolean.getBoolean("gyre.writeDocs")) {
            Files.writeString(doc, expected);
        }
        assertThat(doc)
                .as("docs/state-machines.md is stale: rerun with -Dgyre.writeDocs=true")
                .hasContent(expected.strip());
    }

    private static <S extends Enum<S>> List<Transition<S>> unvisited(StateMachine<S> m, Set<Transition<S>> seen) {
        return m.transitions().stream().filter(t -> !seen.contains(t)).toList();
    }

    static String render() {
        return """
                # State machines

                Generated from the transition tables in `gyre-api` (`TaskState.MACHINE`, `RunState.MACHINE`) by
                `LifecycleCoverageTest`, which also fails when a transition is never taken by the engine.

                ## Task

                ```mermaid
                %s```

                ## Run

                ```mermaid
                %s```
                """.formatted(TaskState.MACHINE.toMermaid(), RunState.MACHINE.toMermaid());
    }
}
