package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gyre.api.Action;
import io.gyre.api.Flow;
import io.gyre.api.Lease;
import io.gyre.api.Membership;
import io.gyre.api.OrchestratorId;
import io.gyre.api.QueueName;
import io.gyre.api.Rendezvous;
import io.gyre.api.RunFence;
import io.gyre.api.RunId;
import io.gyre.api.RunState;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskSpec;
import io.gyre.api.TaskState;
import io.gyre.api.WorkerId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two orchestrators (engines with {@link RunOwnership}) over one store, with in-process workers: the run's owner
 * stops mid-run and the survivor adopts it; every task runs and is committed exactly once. Subclasses run the
 * same over Redis.
 */
class OrchestratorHandOverTest {
    private static final Duration MEMBER_TTL = Duration.ofMillis(600);
    private static final QueueName QUEUE = QueueName.of("default");
    private static final OrchestratorId A = OrchestratorId.of("orch-a");
    private static final OrchestratorId B = OrchestratorId.of("orch-b");

    private StateStore store;
    private final Map<TaskId, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final Semaphore permits = new Semaphore(0);
    private final List<Thread> workers = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private volatile boolean stopping;

    /** A fresh, empty store implementing {@link Membership}. */
    protected StateStore newStore() {
        return Stores.inMemory(InstantSource.system());
    }

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void close() throws Exception {
        stopping = true;
        permits.release(10_000);
        for (Thread w : workers) {
            w.join(Duration.ofSeconds(5));
        }
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        store.close();
    }

    /**
     * @param dropDrivers true: the owner stops heartbeating and drops its driver (a crash); false: it only stops
     *     heartbeating and its driver carries on (a paused or partitioned process) until the store fences it
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theSurvivorAdoptsTheRunAndEveryTaskCommitsExactlyOnce(boolean dropDrivers) {
        long seed = new SplittableRandom().nextLong();
        System.out.println("OrchestratorHandOverTest seed " + seed + " dropDrivers " + dropDrivers);
        Plan plan = Plan.of(randomFlow(new SplittableRandom(seed), 80));
        RunSpec spec = RunSpec.of(plan, Instant.now());
        Orchestrator a = orchestrator(A, spec);
        Orchestrator b = orchestrator(B, spec);
        startWorkers(3);
        boolean aFirst =
                Rendezvous.owner(spec.id(), List.of(A, B)).orElseThrow().equals(A);
        Orchestrator dying = aFirst ? a : b;
        Orchestrator survivor = aFirst ? b : a;

        dying.engine.create(spec);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> dying.ownership.held().contains(spec.id()));
        permits.release(30);
        await().atMost(Duration.ofSeconds(20)).until(() -> executed() >= 30);

        dying.ownership.halt();
        if (dropDrivers) {
            dying.engine.release(spec.id(), "test: the orchestrator crashed");
        }
        permits.release(10); // these finish while the run changes hands
        await().atMost(Duration.ofSeconds(20))
                .until(() -> ((Membership) store)
                        .fence(spec.id())
                        .map(f -> f.owner().equals(survivor.ownership.self()))
                        .orElse(false));
        permits.release(10_000);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> store.run(spec.id()).state().isFinal());
        assertThat(store.run(spec.id()).state()).as("seed %d", seed).isEqualTo(RunState.SUCCEEDED);
        assertThat(((Membership) store).fence(spec.id()))
                .as("the survivor adopted it")
                .hasValueSatisfying(f -> {
                    assertThat(f.owner()).isEqualTo(survivor.ownership.self());
                    assertThat(f.token()).isGreaterThan(1);
                });
        assertThat(store.tasks(spec.id())).extracting(TaskRecord::state).containsOnly(TaskState.SUCCEEDED);
        for (TaskSpec t : plan.flow().tasks()) {
            assertThat(executions.get(t.id()))
                    .as("executions of %s, seed %d", t.id(), seed)
                    .hasValue(1);
        }
        assertThat(((Membership) store).activeRuns()).doesNotContain(spec.id());
    }

    /**
     * A dynamic sweep that the dying owner expanded (its instances in the store, some succeeded, some running or
     * queued, the expansion recorded) is expanded again by the survivor from the recorded expansion, and its
     * instances are picked up as the store has them: each runs and commits exactly once, then the fan-in runs.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aDynamicSweepExpandedByTheDyingOwnerIsRebuiltWithItsInstances(boolean dropDrivers) {
        Plan plan = Plan.of(FlowLoader.parse("""
                name: sweep
                tasks:
                  list: {run: "true"}
                  work:
                    matrix: {grid: {v: {from: list}}}
                    run: echo $V
                  after: {needs: work, run: "true"}
                """, "sweep.yaml"));
        Instant now = Instant.now();
        RunId id = RunId.generate(now, new SplittableRandom());
        MacroScope scope = new MacroScope(id, now, new SplittableRandom(7), Map.of(), Map.of(), Map.of());
        String values = java.util.stream.IntStream.rangeClosed(1, 20)
                .mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        FanOutFiles files = FanOutFiles.inMemory(Map.of("list/v.json", values)); // one shared run directory
        RunSpec spec = new RunSpec(
                id, plan, now, Map.of(), TaskResolvers.macros(scope, Map.of()), AttemptSetups.scratch(), files);
        Orchestrator a = orchestrator(A, spec);
        Orchestrator b = orchestrator(B, spec);
        startWorkers(3);
        boolean aFirst = Rendezvous.owner(id, List.of(A, B)).orElseThrow().equals(A);
        Orchestrator dying = aFirst ? a : b;
        Orchestrator survivor = aFirst ? b : a;

        dying.engine.create(spec);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> dying.ownership.held().contains(id));
        permits.release(9); // list and 8 of the 20 instances
        await().atMost(Duration.ofSeconds(20)).until(() -> executed() >= 9);
        dying.ownership.halt();
        if (dropDrivers) {
            dying.engine.release(id, "test: the orchestrator crashed");
        }
        permits.release(3);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> ((Membership) store)
                        .fence(id)
                        .map(f -> f.owner().equals(survivor.ownership.self()))
                        .orElse(false));
        permits.release(10_000);

        await().atMost(Duration.ofSeconds(30)).until(() -> store.run(id).state().isFinal());
        assertThat(store.run(id).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(store.tasks(id)).hasSize(23).extracting(TaskRecord::state).containsOnly(TaskState.SUCCEEDED);
        assertThat(executions).hasSize(22); // list, 20 instances, after (the placeholder runs nothing)
        executions.forEach(
                (task, n) -> assertThat(n).as("executions of %s", task).hasValue(1));
    }

    private long executed() {
        return executions.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private record Orchestrator(Engine engine, RunOwnership ownership) {}

    private Orchestrator orchestrator(OrchestratorId id, RunSpec spec) {
        ScheduledExecutorService timers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        Engine engine = Engine.builder().store(store).parallel(1).build();
        closing.add(timers::shutdownNow);
        closing.add(engine);
        RunOwnership[] self = new RunOwnership[1];
        self[0] = RunOwnership.start((Membership) store, id, MEMBER_TTL, timers, new RunOwnership.Driving() {
            @Override
            public void adopt(RunFence fence) {
                engine.adopt(spec, fence).done().whenComplete((r, e) -> {
                    if (e != null) {
                        self[0].lost(fence.run());
                    }
                });
            }

            @Override
            public void release(RunId run) {
                engine.release(run, "owned by another orchestrator");
            }
        });
        closing.add(self[0]);
        return new Orchestrator(engine, self[0]);
    }

    private void startWorkers(int n) {
        for (int w = 0; w < n; w++) {
            WorkerId id = WorkerId.of("worker-" + w);
            Thread t = Thread.ofPlatform().daemon(true).name("test-" + id).start(() -> {
                while (!stopping) {
                    Optional<Lease> claimed =
                            store.claim(id, List.of(QUEUE), Duration.ofSeconds(10), Duration.ofMillis(100));
                    if (claimed.isEmpty()) {
                        continue;
                    }
                    permits.acquireUninterruptibly();
                    executions
                            .computeIfAbsent(claimed.get().item().task(), k -> new AtomicInteger())
                            .incrementAndGet();
                    store.complete(claimed.get(), TaskOutcome.success());
                }
            });
            workers.add(t);
        }
    }

    /** A random DAG: each task needs up to three earlier ones. */
    static Flow randomFlow(SplittableRandom random, int n) {
        List<TaskSpec> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<TaskId> needs = new ArrayList<>();
            int k = i == 0 ? 0 : random.nextInt(Math.min(i, 3) + 1);
            for (int j = 0; j < k; j++) {
                TaskId need = TaskId.of("t" + random.nextInt(i));
                if (!needs.contains(need)) {
                    needs.add(need);
                }
            }
            tasks.add(TaskSpec.of(TaskId.of("t" + i), new Action.Java("noop"), needs));
        }
        return Flow.of("handover", tasks);
    }
}
