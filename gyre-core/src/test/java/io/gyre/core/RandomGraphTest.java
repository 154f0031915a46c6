package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Action;
import io.gyre.api.Failure;
import io.gyre.api.Flow;
import io.gyre.api.JavaTask;
import io.gyre.api.RunState;
import io.gyre.api.TaskId;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskSpec;
import io.gyre.api.TaskState;
import io.gyre.api.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Seeded random graphs with random failures and {@code always} tasks: every task runs at most once, only after
 * all its needs finished, never after a failed need unless it is an {@code always} task, and the final states
 * are exactly what the failure semantics predict. The seed is printed; rerun one with -Dgyre.seed=N.
 */
class RandomGraphTest {
    @RepeatedTest(12)
    void randomGraphsRespectNeedsAndFailureSemantics() throws Exception {
        long seed = Long.getLong("gyre.seed", new SplittableRandom().nextLong());
        System.out.println("RandomGraphTest seed=" + seed + " (rerun with -Dgyre.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        int n = 20 + random.nextInt(280);
        List<TaskSpec> tasks = new ArrayList<>();
        boolean[] fails = new boolean[n];
        boolean[] always = new boolean[n];
        List<List<Integer>> needs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Integer> mine = new ArrayList<>();
            int count = i == 0 ? 0 : random.nextInt(Math.min(i, 4) + 1);
            for (int k = 0; k < count; k++) {
                int j = random.nextInt(i);
                if (!mine.contains(j)) {
                    mine.add(j);
                }
            }
            needs.add(mine);
            fails[i] = random.nextInt(10) == 0;
            always[i] = random.nextInt(8) == 0;
            TaskSpec t = TaskSpec.of(
                    TaskId.of("t" + i),
                    new Action.Java("t" + i),
                    mine.stream().map(j -> TaskId.of("t" + j)).toList());
            tasks.add(always[i] ? t.withWhen(Trigger.ALWAYS) : t);
        }
        AtomicLong clock = new AtomicLong();
        Map<Integer, Long> startedAt = new ConcurrentHashMap<>();
        Map<Integer, Long> endedAt = new ConcurrentHashMap<>();
        Map<Integer, Integer> runs = new ConcurrentHashMap<>();
        Map<String, JavaTask> registry = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int me = i;
            registry.put("t" + i, (launch, cancel) -> {
                startedAt.put(me, clock.incrementAndGet());
                runs.merge(me, 1, Integer::sum);
                endedAt.put(me, clock.incrementAndGet());
                return fails[me]
                        ? new TaskOutcome.Failed(1, new Failure("exit", "planned", false))
                        : TaskOutcome.success();
            });
        }
        Stores.InMemoryStore store = Stores.inMemory(InstantSource.system());
        try (Engine engine = Engine.builder()
                .store(store)
                .executor(Executors.inProcess(registry))
                .parallel(1 + random.nextInt(4))
                .build()) {
            RunHandle h = engine.start(RunSpec.of(Plan.of(Flow.of("random", tasks)), Instant.now()));
            RunState end = h.await(Duration.ofSeconds(60)).state();

            TaskState[] expected = new TaskState[n];
            for (int i = 0; i < n; i++) {
                boolean bad = needs.get(i).stream().anyMatch(j -> expected[j] != TaskState.SUCCEEDED);
                expected[i] = bad && !always[i] ? TaskState.SKIPPED : fails[i] ? TaskState.FAILED : TaskState.SUCCEEDED;
            }
            Map<String, TaskState> actual = new HashMap<>();
            for (TaskRecord r : store.tasks(h.id())) {
                actual.put(r.id().value(), r.state());
            }
            boolean allOk = true;
            for (int i = 0; i < n; i++) {
                assertThat(actual.get("t" + i)).as("seed %d task t%d", seed, i).isEqualTo(expected[i]);
                allOk &= expected[i] == TaskState.SUCCEEDED;
                if (expected[i] == TaskState.SKIPPED) {
                    assertThat(runs)
                            .as("seed %d: skipped t%d must not run", seed, i)
                            .doesNotContainKey(i);
                    continue;
                }
                assertThat(runs.get(i))
                        .as("seed %d: t%d runs exactly once", seed, i)
                        .isEqualTo(1);
                for (int j : needs.get(i)) {
                    if (expected[j] == TaskState.SKIPPED) {
                        continue; // a skipped need never ran; its own needs were checked where it is a task
                    }
                    assertThat(endedAt.get(j))
                            .as("seed %d: t%d started after its need t%d ended", seed, i, j)
                            .isLessThan(startedAt.get(i));
                }
            }
            assertThat(end).as("seed %d", seed).isEqualTo(allOk ? RunState.SUCCEEDED : RunState.FAILED);
            assertThat(store.leaseCount()).isZero();
        }
    }
}
