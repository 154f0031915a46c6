package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.ClusterRegistry;
import io.gyre.api.OrchestratorId;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.api.TaskId;
import io.gyre.api.WorkerId;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator and worker halves wired as separate processes would be (nothing shared but the store, the
 * registry and the data directory), here in one JVM over the in-memory store so the behaviour is quick to pin.
 */
class DistributedProcessesInOneJvmTest {
    private final InstantSource clock = InstantSource.system();
    private final Stores.InMemoryStore store = Stores.inMemory(clock);
    private final ClusterRegistry registry = Stores.inMemoryRegistry();
    private final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path tmp;

    private Path runs() {
        return tmp.resolve("data/runs");
    }

    private RunClient client() {
        return RunClient.overStore(store, store, registry, runs(), clock);
    }

    private Orchestrator orchestrator() {
        Orchestrator o = Orchestrator.start(
                store,
                store,
                registry,
                new Orchestrator.Config(OrchestratorId.of("o1"), Duration.ofSeconds(3), runs(), Map.of()),
                clock,
                System.err::println);
        open.add(o);
        return o;
    }

    private Worker worker(String name, Map<String, String> labels, Duration grace) {
        Worker w = Worker.start(
                store,
                registry,
                Executors.localProcess(),
                new Worker.Config(
                        WorkerId.of(name),
                        List.of(QueueName.of("default")),
                        labels,
                        2,
                        Duration.ofSeconds(30),
                        grace,
                        runs()),
                clock,
                run -> {},
                System.err::println);
        open.add(w);
        return w;
    }

    private RunId submit(String yaml) throws IOException {
        Path flow = tmp.resolve("flow.yaml");
        Files.writeString(flow, yaml);
        LocalRun.Prepared p = LocalRun.prepare(
                flow, new LocalRun.Options(Map.of(), Map.of(), List.of(), 1), Map.of(), clock, new SplittableRandom());
        return client().submit(p);
    }

    private ClusterRunStatus awaitState(RunId run, String state) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> client().status(run).run().state().equals(state));
        return client().status(run);
    }

    private static String task(ClusterRunStatus s, String id, java.util.function.Function<TaskStatus, Object> f) {
        return String.valueOf(f.apply(s.run().tasks().stream()
                .filter(t -> t.id().equals(id))
                .findFirst()
                .orElseThrow()));
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void aSubmittedRunIsDrivenByTheOrchestratorAndRunByAWorkerIntoTheSharedDirectory() throws Exception {
        orchestrator();
        worker("w1", Map.of(), Duration.ZERO);
        RunId run = submit("""
                name: two
                tasks:
                  a: {run: "echo hello from a; echo GREETING=hi >> $GYRE_OUTPUT"}
                  b: {needs: a, run: "echo b saw $GREETING"}
                """);
        ClusterRunStatus s = awaitState(run, "succeeded");
        assertThat(s.waiting()).isEmpty();
        StringWriter log = new StringWriter();
        client().copyLog(run, TaskId.of("b"), false, log);
        assertThat(log.toString()).contains("b saw hi");
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> registry.announcedRuns().isEmpty());
        assertThat(runs().resolve(run.value()).resolve("events.jsonl"))
                .content()
                .contains("run_succeeded");
    }

    @Test
    void aTaskNoLiveWorkerCanServeIsReportedWaitingUntilSuchAWorkerComes() throws Exception {
        orchestrator();
        worker("cpu", Map.of(), Duration.ZERO);
        RunId run = submit("""
                name: gpu
                tasks:
                  train: {labels: {gpu: "true"}, run: "echo trained"}
                """);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> !client().status(run).waiting().isEmpty());
        ClusterRunStatus.WaitingTask w = client().status(run).waiting().getFirst();
        assertThat(w.task()).isEqualTo("train");
        assertThat(w.reason()).startsWith("waiting for a worker with queue=default labels gpu=true");
        List<PoolStatus> pools = client().pools(new PoolScaling(0, 4, 6));
        assertThat(pools).anySatisfy(p -> {
            assertThat(p.labels()).containsEntry("gpu", "true");
            assertThat(p.depth()).isEqualTo(1);
            assertThat(p.workers()).isEmpty();
            assertThat(p.desiredWorkers()).isEqualTo(1);
        });

        worker("gpu", Map.of("gpu", "true"), Duration.ZERO);
        assertThat(awaitState(run, "succeeded").waiting()).isEmpty();
    }

    @Test
    void aStoppingWorkerHandsItsRunningTaskBackWithTheAttemptCounted() throws Exception {
        orchestrator();
        Worker first = worker("first", Map.of(), Duration.ZERO);
        RunId run = submit("""
                name: handback
                tasks:
                  slow:
                    run: |
                      if [ "$GYRE_ATTEMPT" = 1 ]; then sleep 60; fi
                      echo finished attempt $GYRE_ATTEMPT
                """);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() ->
                        task(client().status(run), "slow", TaskStatus::state).equals("running"));
        first.shutdown();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() ->
                        task(client().status(run), "slow", TaskStatus::state).equals("ready"));
        assertThat(registry.liveWorkers(clock.instant())).isEmpty();

        worker("second", Map.of(), Duration.ZERO);
        ClusterRunStatus s = awaitState(run, "succeeded");
        assertThat(task(s, "slow", TaskStatus::attempts)).as(s.toJson()).isEqualTo("2");
        assertThat(runs().resolve(run.value()).resolve("events.jsonl"))
                .content()
                .contains("task_lease_expired");
    }

    @Test
    void cancellingASubmittedRunStopsItsRunningTaskOnTheWorker() throws Exception {
        orchestrator();
        worker("w", Map.of(), Duration.ZERO);
        RunId run = submit("""
                name: long
                tasks:
                  wait: {run: "sleep 60"}
                  after: {needs: wait, run: "echo never"}
                """);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() ->
                        task(client().status(run), "wait", TaskStatus::state).equals("running"));
        client().cancel(run, "test");
        ClusterRunStatus s = awaitState(run, "cancelled");
        assertThat(task(s, "wait", TaskStatus::state)).isEqualTo("cancelled");
        assertThat(task(s, "after", TaskStatus::state)).isEqualTo("cancelled");
    }
}
