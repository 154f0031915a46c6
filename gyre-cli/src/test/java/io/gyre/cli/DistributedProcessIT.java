package io.gyre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyre.testkit.RedisServerFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed mode as a user runs it: orchestrator, workers and servers as separate JVMs of the packaged CLI over
 * a real redis-server (or the embedded one), on loopback, each wait bounded.
 */
class DistributedProcessIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    private Path data() {
        return tmp.resolve("data");
    }

    private Process start(String name, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar = Path.of("target", "gyre-cli.jar").toAbsolutePath();
        assertThat(jar).as("run 'mvn package' first").isRegularFile();
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(tmp.toFile())
                .redirectOutput(tmp.resolve(name + ".out").toFile())
                .redirectError(tmp.resolve(name + ".err").toFile());
        pb.environment().remove("GYRE_STORE");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void awaitReady(String name) {
        Awaitility.await()
                .atMost(BOUND)
                .until(() -> Files.exists(tmp.resolve(name + ".err"))
                        && Files.readString(tmp.resolve(name + ".err")).contains("ready"));
    }

    private static int stop(Process p) throws InterruptedException {
        p.toHandle().destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private String submit(String store, String yaml) throws IOException {
        Path flow = tmp.resolve("flow-" + processes.size() + ".yaml");
        Files.writeString(flow, yaml);
        Cli c = Cli.run("submit", flow.toString(), "--store", store, "--data-dir", data().toString());
        assertThat(c.exit()).as(c.err()).isZero();
        return c.out().strip();
    }

    private JsonNode status(String store, String run) throws IOException {
        Cli c = Cli.run("status", run, "--store", store, "--data-dir", data().toString(), "--output", "json");
        assertThat(c.exit()).as(c.err()).isZero();
        return JSON.readTree(c.out());
    }

    private static JsonNode task(JsonNode status, String id) {
        for (JsonNode t : status.get("tasks")) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no task " + id + " in " + status);
    }

    private JsonNode awaitRun(String store, String run, String state) {
        Awaitility.await()
                .atMost(BOUND)
                .until(() -> status(store, run).get("state").asText().equals(state));
        try {
            return status(store, run);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.toHandle().destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void anOrchestratorAndTwoWorkerProcessesRunASubmittedFlowOnARealRedis() throws Exception {
        try (RedisServerFixture redis = RedisServerFixture.ephemeral(tmp.resolve("redis"))) {
            String url = redis.uri().toString();
            String d = data().toString();
            start("orch", "orchestrator", "--store", url, "--data-dir", d);
            start("w1", "worker", "--store", url, "--data-dir", d, "--slots", "2", "--name", "w1");
            start("w2", "worker", "--store", url, "--data-dir", d, "--slots", "2", "--name", "w2");
            awaitReady("orch");
            awaitReady("w1");
            awaitReady("w2");
            String run = submit(url, """
                    name: fan
                    tasks:
                      first: {run: "echo FROM_FIRST=one >> $GYRE_OUTPUT; echo first ran"}
                      a: {needs: first, run: "echo a got $FROM_FIRST on $GYRE_ATTEMPT"}
                      b:
                        needs: first
                        run: |
                          printf '{"weight": 1, "results": {"x": {"values": [2, 20]}}}' > "$GYRE_RESULTS_DIR/.s"
                          mv "$GYRE_RESULTS_DIR/.s" "$GYRE_RESULTS_DIR/s.json"
                      c:
                        needs: first
                        run: |
                          printf '{"weight": 3, "results": {"x": {"values": [6, 60]}}}' > "$GYRE_RESULTS_DIR/.s"
                          mv "$GYRE_RESULTS_DIR/.s" "$GYRE_RESULTS_DIR/s.json"
                      last: {needs: [a, b, c], run: "echo all done"}
                    """);
            assertThat(run).matches("[0-9]{8}-[0-9]{6}-[0-9]{3}-[0-9a-f]+");
            JsonNode done = awaitRun(url, run, "succeeded");
            assertThat(done.get("counts_by_state").get("succeeded").asInt()).isEqualTo(5);
            assertThat(done.get("waiting")).isEmpty();
            Cli logs = Cli.run("logs", run, "a", "--store", url, "--data-dir", d);
            assertThat(logs.exit()).as(logs.err()).isZero();
            assertThat(logs.out()).contains("a got one on 1");
            Path dir = data().resolve("runs").resolve(run);
            Awaitility.await()
                    .atMost(BOUND)
                    .until(() -> Files.readString(dir.resolve("run.json")).contains("succeeded"));
            assertThat(dir.resolve("events.jsonl")).content().contains("run_succeeded");
            // results published on the workers are stored in the shared run directory and merged by the orchestrator
            assertThat(dir.resolve("events.jsonl")).content().contains("partial_result");
            Awaitility.await().atMost(BOUND).until(() -> Files.exists(dir.resolve("results/results.json")));
            Cli results = Cli.run("results", dir.toString(), "--output", "json");
            assertThat(results.exit()).as(results.err()).isZero();
            JsonNode x = JSON.readTree(results.out()).get("results").get("x");
            assertThat(x.get("values").get(0).asDouble()).isEqualTo(5.0); // (2*1 + 6*3) / 4
            assertThat(x.get("values").get(1).asDouble()).isEqualTo(50.0);
            assertThat(x.get("contributors").asInt()).isEqualTo(2);
            Cli textStatus = Cli.run("status", dir.toString());
            assertThat(textStatus.exit())
                    .as("the run directory reads like gyre run's")
                    .isZero();
            Cli pools = Cli.run("pools", "--store", url, "--data-dir", d, "--output", "json");
            assertThat(pools.exit()).as(pools.err()).isZero();
            assertThat(pools.out()).contains("\"workers\" : [ \"w1\", \"w2\" ]");
        }
    }

    @Test
    void aWorkerOnSigtermHandsItsTaskBackAndExitsZeroAndAnotherWorkerFinishesIt() throws Exception {
        try (RedisServerFixture redis = RedisServerFixture.ephemeral(tmp.resolve("redis"))) {
            String url = redis.uri().toString();
            String d = data().toString();
            start("orch", "orchestrator", "--store", url, "--data-dir", d);
            Process first =
                    start("first", "worker", "--store", url, "--data-dir", d, "--grace", "0", "--name", "first");
            awaitReady("orch");
            awaitReady("first");
            String run = submit(url, """
                    name: handback
                    tasks:
                      slow:
                        run: |
                          if [ "$GYRE_ATTEMPT" = 1 ]; then sleep 120; fi
                          echo finished attempt $GYRE_ATTEMPT
                    """);
            Awaitility.await()
                    .atMost(BOUND)
                    .until(() ->
                            task(status(url, run), "slow").get("state").asText().equals("running"));
            assertThat(stop(first)).isZero();
            assertThat(task(status(url, run), "slow").get("state").asText()).isEqualTo("ready");
            assertThat(status(url, run).get("waiting").get(0).get("reason").asText())
                    .startsWith("waiting for a worker with queue=default");

            start("second", "worker", "--store", url, "--data-dir", d, "--name", "second");
            JsonNode done = awaitRun(url, run, "succeeded");
            assertThat(task(done, "slow").get("attempts").asInt()).isEqualTo(2);
            Cli logs = Cli.run("logs", run, "slow", "--store", url, "--data-dir", d);
            assertThat(logs.out()).contains("finished attempt 2");
        }
    }

    @Test
    void aTaskNeedingLabelsNoWorkerOffersIsReportedWaitingAndCanBeCancelled() throws Exception {
        try (RedisServerFixture redis = RedisServerFixture.ephemeral(tmp.resolve("redis"))) {
            String url = redis.uri().toString();
            start("server", "server", "--store", url, "--data-dir", data().toString(), "--slots", "1");
            awaitReady("server");
            String run = submit(url, """
                    name: gpu
                    tasks:
                      prep: {run: "echo prep"}
                      train: {needs: prep, queue: gpu, labels: {gpu: "true"}, run: "echo train"}
                    """);
            Awaitility.await()
                    .atMost(BOUND)
                    .until(() -> !status(url, run).get("waiting").isEmpty());
            JsonNode waiting = status(url, run).get("waiting").get(0);
            assertThat(waiting.get("task").asText()).isEqualTo("train");
            assertThat(waiting.get("reason").asText())
                    .startsWith("waiting for a worker with queue=gpu labels gpu=true");
            Cli text = Cli.run("status", run, "--store", url, "--data-dir", data().toString());
            assertThat(text.out()).contains("task train: waiting for a worker with queue=gpu labels gpu=true");

            Cli cancel = Cli.run("cancel", run, "--store", url, "--data-dir", data().toString());
            assertThat(cancel.exit()).as(cancel.err()).isZero();
            JsonNode end = awaitRun(url, run, "cancelled");
            assertThat(task(end, "prep").get("state").asText()).isEqualTo("succeeded");
            assertThat(task(end, "train").get("state").asText()).isEqualTo("cancelled");
            Cli again = Cli.run("cancel", run, "--store", url, "--data-dir", data().toString());
            assertThat(again.exit()).isEqualTo(2);
            assertThat(again.err()).contains("already ended cancelled");
        }
    }

    @Test
    void theEmbeddedStoreKeepsRunsAcrossAServerRestart() throws Exception {
        String d = data().toString();
        Process server = start("embedded1", "server", "--store", "embedded", "--data-dir", d, "--slots", "1");
        awaitReady("embedded1");
        String run = submit("embedded", "name: keep\ntasks:\n  a: {run: echo kept}\n");
        awaitRun("embedded", run, "succeeded");
        assertThat(stop(server)).isZero();
        assertThat(data().resolve("redis/appendonly.aof")).exists();
        assertThat(data().resolve("redis/dump.rdb")).doesNotExist();

        Process again = start("embedded2", "server", "--store", "embedded", "--data-dir", d, "--slots", "1");
        awaitReady("embedded2");
        JsonNode kept = status("embedded", run);
        assertThat(kept.get("state").asText()).isEqualTo("succeeded");
        assertThat(task(kept, "a").get("state").asText()).isEqualTo("succeeded");
        assertThat(stop(again)).isZero();
    }
}
