package io.gyre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gyre.testkit.RedisServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes in distributed mode, with real processes of the packaged CLI over a real redis-server that persists
 * with {@code appendonly yes} and {@code appendfsync always}, on loopback: a worker killed with SIGKILL mid-task,
 * an orchestrator killed with SIGKILL mid-run while another is up, and redis-server itself killed and restarted
 * mid-run. In each the run completes, every task is committed exactly once (tasks append their attempt number
 * to a file, so a re-run shows), and nothing is left running, queued or leased. Every wait is bounded.
 */
class ProcessCrashIT {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String TTL = "2s";

    @TempDir
    Path tmp;

    private Path counts() throws java.io.IOException {
        return Files.createDirectories(tmp.resolve("counts"));
    }

    /** A task script that records its attempt, then does {@code rest}. */
    private String task(String rest) throws java.io.IOException {
        return "echo $GYRE_ATTEMPT >> " + counts() + "/$GYRE_TASK_ID; " + rest;
    }

    @Test
    void aWorkerKilledMidTaskLosesItsLeaseAndAnotherWorkerCompletesTheTaskWithTheAttemptCounted() throws Exception {
        try (RedisServerFixture redis = RedisServerFixture.durable(tmp.resolve("redis"));
                GyreCluster c = new GyreCluster(tmp, redis.uri().toString())) {
            c.start("orch", "orchestrator", "--lease-ttl", TTL, "--name", "o1");
            c.start("w1", "worker", "--lease-ttl", TTL, "--name", "w1", "--slots", "1");
            c.awaitReady("orch", 1, BOUND);
            c.awaitReady("w1", 1, BOUND);
            String run = c.submit("name: lease\ntasks:\n"
                    + "  slow: {run: '" + task("if [ $GYRE_ATTEMPT = 1 ]; then sleep 6; fi") + "'}\n"
                    + "  after: {needs: slow, run: '" + task("true") + "'}\n");
            Awaitility.await()
                    .atMost(BOUND)
                    .until(() -> GyreCluster.task(c.status(run), "slow")
                            .get("state")
                            .asText()
                            .equals("running"));
            c.start("w2", "worker", "--lease-ttl", TTL, "--name", "w2", "--slots", "1");
            c.awaitReady("w2", 1, BOUND);
            long killed = System.nanoTime();
            c.kill("w1");

            JsonNode done = c.awaitRun(run, "succeeded", BOUND);
            System.out.printf(
                    "worker kill -9 -> run succeeded on the other worker in %d ms (lease ttl %s)%n",
                    (System.nanoTime() - killed) / 1_000_000, TTL);
            assertThat(GyreCluster.task(done, "slow").get("attempts").asInt())
                    .as("the lost attempt is counted")
                    .isEqualTo(2);
            assertThat(Files.readAllLines(counts().resolve("slow"))).containsExactly("1", "2");
            assertThat(Files.readAllLines(counts().resolve("after"))).containsExactly("1");
            c.assertCommittedExactlyOnce(run, done, counts());
        }
    }

    @Test
    void anOrchestratorKilledMidRunIsReplacedByTheSurvivorWhichAdoptsTheRun() throws Exception {
        try (RedisServerFixture redis = RedisServerFixture.durable(tmp.resolve("redis"));
                GyreCluster c = new GyreCluster(tmp, redis.uri().toString())) {
            c.start("o1", "orchestrator", "--lease-ttl", TTL, "--name", "o1");
            c.start("o2", "orchestrator", "--lease-ttl", TTL, "--name", "o2");
            c.start("w", "worker", "--lease-ttl", TTL, "--name", "w", "--slots", "2");
            for (String p : List.of("o1", "o2", "w")) {
                c.awaitReady(p, 1, BOUND);
            }
            StringBuilder flow = new StringBuilder("name: chain\ntasks:\n");
            flow.append("  s0: {run: '").append(task("sleep 0.3")).append("'}\n");
            for (int i = 1; i < 12; i++) {
                flow.append("  s")
                        .append(i)
                        .append(": {needs: s")
                        .append(i - 1)
                        .append(", run: '")
                        .append(task("sleep 0.3"))
                        .append("'}\n");
            }
            String run = c.submit(flow.toString());
            Awaitility.await()
                    .atMost(BOUND)
                    .until(() -> c.err("o1").contains("driving run " + run)
                            || c.err("o2").contains("driving run " + run));
            String owner = c.err("o1").contains("driving run " + run) ? "o1" : "o2";
            String survivor = owner.equals("o1") ? "o2" : "o1";
            Awaitility.await().atMost(BOUND).until(() -> Files.exists(counts().resolve("s3")));
            long killed = System.nanoTime();
            c.kill(owner);
            Awaitility.await().atMost(BOUND).until(() -> c.err(survivor).contains("driving run " + run));
            long adopted = System.nanoTime();

            JsonNode done = c.awaitRun(run, "succeeded", BOUND);
            System.out.printf(
                    "orchestrator kill -9 -> survivor drives the run after %d ms (lease ttl %s); run done %d ms"
                            + " after the kill%n",
                    (adopted - killed) / 1_000_000, TTL, (System.nanoTime() - killed) / 1_000_000);
            c.assertCommittedExactlyOnce(run, done, counts());
            for (int i = 0; i < 12; i++) {
                assertThat(Files.readAllLines(counts().resolve("s" + i)))
                        .as("s" + i + " ran once: the hand-over re-runs nothing")
                        .containsExactly("1");
            }
        }
    }

    @Test
    void redisKilledAndRestartedMidRunLosesNothingAndTheProcessesReconnect() throws Exception {
        try (RedisServerFixture redis = RedisServerFixture.durable(tmp.resolve("redis"));
                GyreCluster c = new GyreCluster(tmp, redis.uri().toString())) {
            c.start("server", "server", "--lease-ttl", TTL, "--name", "s1", "--slots", "2");
            c.awaitReady("server", 1, BOUND);
            StringBuilder flow = new StringBuilder("name: outage\ntasks:\n");
            for (int i = 0; i < 20; i++) {
                flow.append("  t")
                        .append(i)
                        .append(": {")
                        .append(i >= 2 ? "needs: [t" + (i - 2) + "], " : "")
                        .append("run: '")
                        .append(task("sleep 0.2"))
                        .append("'}\n");
            }
            String run = c.submit(flow.toString());
            Awaitility.await().atMost(BOUND).until(() -> Files.exists(counts().resolve("t6")));
            long crashed = System.nanoTime();
            redis.crashAndRestart();

            JsonNode done = c.awaitRun(run, "succeeded", BOUND);
            System.out.printf(
                    "redis-server kill -9 + restart -> run succeeded %d ms later%n",
                    (System.nanoTime() - crashed) / 1_000_000);
            c.assertCommittedExactlyOnce(run, done, counts());
            assertThat(c.alive("server")).isTrue();
            c.err("server").lines().filter(l -> l.contains("driving run")).forEach(System.out::println);
        }
    }
}
