package io.gyre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gyre.testkit.RedisServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded chaos run: a random DAG of 1,000 short tasks over 2 orchestrators and 3 workers (real processes of the
 * packaged CLI on a durable redis-server), while a process chosen at random is killed with SIGKILL every few
 * seconds and started again. Zero lost, zero duplicated commits: every task ends succeeded exactly once (tasks may
 * run again after a kill, with a new attempt number, which the per-task files show) and the run succeeds.
 *
 * <p>The seed is printed; {@code -Dgyre.chaos.seed=N} replays the same graph and the same kill schedule (the
 * timing of the processes themselves is not replayable).
 */
class ChaosIT {
    private static final int TASKS = 1_000;
    private static final Duration BOUND = Duration.ofSeconds(100);
    private static final String TTL = "2s";
    private static final List<String> PROCESSES = List.of("o1", "o2", "w1", "w2", "w3");

    @TempDir
    Path tmp;

    @Test
    void aThousandTaskRunSurvivesRandomKillsOfWorkersAndOrchestrators() throws Exception {
        long seed = Long.getLong("gyre.chaos.seed", new SplittableRandom().nextLong());
        System.out.println("ChaosIT seed " + seed + " (replay with -Dgyre.chaos.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        Path counts = Files.createDirectories(tmp.resolve("counts"));
        String flow = randomDag(random, counts);

        try (RedisServerFixture redis = RedisServerFixture.durable(tmp.resolve("redis"));
                GyreCluster c = new GyreCluster(tmp, redis.uri().toString())) {
            for (String o : List.of("o1", "o2")) {
                c.start(o, "orchestrator", "--lease-ttl", TTL, "--name", o);
            }
            for (String w : List.of("w1", "w2", "w3")) {
                c.start(w, "worker", "--lease-ttl", TTL, "--name", w, "--slots", "2");
            }
            for (String p : PROCESSES) {
                c.awaitReady(p, 1, Duration.ofSeconds(60));
            }
            long started = System.nanoTime();
            String run = c.submit(flow);
            long deadline = started + BOUND.toNanos();
            List<String> kills = new ArrayList<>();
            while (System.nanoTime() < deadline && !ended(c, run)) {
                Thread.sleep(1_000 + random.nextInt(2_000)); // the kill schedule, not a wait for a condition
                if (ended(c, run)) {
                    break;
                }
                String victim = PROCESSES.get(random.nextInt(PROCESSES.size()));
                c.kill(victim);
                kills.add(victim + "@" + (System.nanoTime() - started) / 1_000_000 + "ms");
                Thread.sleep(200 + random.nextInt(1_300));
                c.restart(victim);
            }
            JsonNode done = c.awaitRun(run, "succeeded", Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            long took = (System.nanoTime() - started) / 1_000_000;

            assertThat(done.get("tasks")).hasSize(TASKS);
            c.assertCommittedExactlyOnce(run, done, counts);
            int reRun = 0;
            int executions = 0;
            for (int i = 0; i < TASKS; i++) {
                Path f = counts.resolve(id(i));
                assertThat(f).as("task " + id(i) + " ran").exists();
                int n = Files.readAllLines(f).size();
                executions += n;
                reRun += n > 1 ? 1 : 0;
            }
            System.out.printf(
                    "ChaosIT seed %d: %d tasks succeeded once each in %d ms; %d kill -9 (%s); %d executions,"
                            + " %d tasks ran more than once%n",
                    seed, TASKS, took, kills.size(), String.join(", ", kills), executions, reRun);
        }
    }

    private static boolean ended(GyreCluster c, String run) {
        String state = c.status(run).get("state").asText();
        return state.equals("succeeded") || state.equals("failed") || state.equals("cancelled");
    }

    private static String id(int i) {
        return String.format("t%04d", i);
    }

    /** Tasks t0000..t0999; each needs up to three random tasks among the 40 before it (a fifth are roots). */
    private static String randomDag(SplittableRandom random, Path counts) {
        StringBuilder y = new StringBuilder("name: chaos\ntasks:\n");
        String cmd = "echo $GYRE_ATTEMPT >> " + counts + "/$GYRE_TASK_ID";
        for (int i = 0; i < TASKS; i++) {
            TreeSet<String> needs = new TreeSet<>();
            if (i > 0 && random.nextInt(5) != 0) {
                int k = 1 + random.nextInt(3);
                for (int n = 0; n < k; n++) {
                    needs.add(id(Math.max(0, i - 1 - random.nextInt(Math.min(i, 40)))));
                }
            }
            y.append("  ").append(id(i)).append(": {");
            if (!needs.isEmpty()) {
                y.append("needs: [").append(String.join(", ", needs)).append("], ");
            }
            y.append("run: '").append(cmd).append("'}\n");
        }
        return y.toString();
    }
}
