package io.gyre.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Action;
import io.gyre.api.Cancellation;
import io.gyre.api.EventKind;
import io.gyre.api.Executor;
import io.gyre.api.GyreException;
import io.gyre.api.ObjectStore;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.TaskId;
import io.gyre.api.TaskLaunch;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.core.ObjectStores;
import io.gyre.core.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing across attempts and workers, and store trouble that must not change a task's outcome. */
class ResultPublisherTest {
    private static final RunId RUN = RunId.of("r1");
    private static final TaskId TASK = TaskId.of("sim");

    @TempDir
    Path tmp;

    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    private final Stores.InMemoryStore store = Stores.inMemory(InstantSource.system());

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private void createRun() {
        store.createRun(
                new RunRecord(
                        RUN, "f", RunState.RUNNING, 0, InstantSource.system().instant(), null, Map.of()),
                List.of(TaskRecord.pending(RUN, TASK)));
    }

    /** An attempt that publishes {@code n} snapshots of x by renaming files into its results directory. */
    private static Executor publishing(int n) {
        return new Executor() {
            @Override
            public boolean supports(Action action) {
                return true;
            }

            @Override
            public TaskOutcome execute(TaskLaunch launch, Cancellation cancel) {
                Path inbox = Path.of(launch.env().get(ResultsExecutor.ENV));
                try {
                    for (int i = 0; i < n; i++) {
                        Files.writeString(inbox.resolve(".t"), "{\"results\": {\"x\": {\"values\": [" + i + "]}}}");
                        Files.move(inbox.resolve(".t"), inbox.resolve("s" + i + ".json"));
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return new TaskOutcome.Succeeded(0, Map.of());
            }
        };
    }

    private TaskOutcome attempt(Executor inner, java.util.function.Function<RunId, ObjectStore> objects, int attempt)
            throws Exception {
        try (ResultsExecutor e = new ResultsExecutor(inner, store, objects, InstantSource.system(), timers)) {
            return attempt(e, attempt);
        }
    }

    private TaskOutcome attempt(ResultsExecutor e, int attempt) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("w" + attempt + "/tasks/sim/outputs"));
        return e.execute(
                new TaskLaunch(
                        RUN,
                        TASK,
                        attempt,
                        new Action.Shell("true"),
                        Map.of(),
                        work,
                        work.resolve("o"),
                        work.resolve("e"),
                        work.resolve("env"),
                        null),
                new Cancellation());
    }

    private List<String> seqs() {
        return store.events(RUN, 0, 1000).stream()
                .filter(ev -> ev.kind() == EventKind.PARTIAL_RESULT)
                .map(ev -> ev.data().get("seq"))
                .toList();
    }

    @Test
    void attemptsOnDifferentWorkersContinueOneAnothersNumbering() throws Exception {
        createRun();
        ObjectStore shared = ObjectStores.directory(tmp.resolve("run"));
        try (ResultsExecutor workerA =
                        new ResultsExecutor(publishing(2), store, r -> shared, InstantSource.system(), timers);
                ResultsExecutor workerB =
                        new ResultsExecutor(publishing(1), store, r -> shared, InstantSource.system(), timers)) {
            attempt(workerA, 1);
            attempt(workerB, 2);
            attempt(workerA, 3); // back on a worker that numbered this task's snapshots before
        }
        assertThat(seqs()).containsExactly("1", "2", "3", "4", "5");
        assertThat(new SnapshotStore(shared, "results").lastSeq(TASK, "x")).isEqualTo(5);
    }

    @Test
    void anUnreachableObjectStoreLeavesTheFilesAndTheTasksOutcome() throws Exception {
        createRun();
        TaskOutcome outcome = attempt(
                publishing(1),
                r -> {
                    throw new GyreException("object store unreachable");
                },
                1);
        assertThat(outcome).isInstanceOf(TaskOutcome.Succeeded.class);
        assertThat(tmp.resolve("w1/tasks/sim/results/s0.json"))
                .as("put back for a later scan")
                .isRegularFile();
        assertThat(seqs()).isEmpty();
    }
}
