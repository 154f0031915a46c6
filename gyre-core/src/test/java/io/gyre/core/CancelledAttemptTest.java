package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gyre.api.Action;
import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.Failure;
import io.gyre.api.TaskLaunch;
import io.gyre.api.TaskOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Cancelling or timing out a local process kills its whole process tree and reports why it stopped. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CancelledAttemptTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Launches launches;
    private Path pids;
    private final ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void setUp() {
        launches = new Launches(dir);
        pids = dir.resolve("pids");
    }

    @AfterEach
    void tearDown() throws IOException {
        threads.shutdownNow();
        // Never leave a stray sleep behind, whatever the test's result.
        for (long pid : pidsWritten()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * Background jobs, a job in its own session (setsid) and a nested bash -c "bash -c '...'", each writing
     * its pid; 7 pids in all.
     */
    private static final String TREE = """
            echo $$ >> "$PIDS"
            bash -c 'sleep 100 & echo $! >> "$PIDS"; sleep 100 & echo $! >> "$PIDS"; echo $$ >> "$PIDS"; wait' &
            bash -c "bash -c 'setsid sleep 100 & echo \\$! >> \\"\\$PIDS\\"; echo \\$\\$ >> \\"\\$PIDS\\"; wait'; true" &
            echo $! >> "$PIDS"
            wait
            """;

    private static final int TREE_SIZE = 7;

    @Test
    void timeoutKillsTheWholeTreeAndFailsWithTypeTimeout() throws Exception {
        Executor executor = Executors.localProcess(Duration.ofMillis(500));
        Cancellation cancel = new Cancellation();
        TaskLaunch launch =
                launches.of(new Action.Shell(TREE), Map.of("PIDS", pids.toString()), 1, Duration.ofMinutes(7));

        CompletableFuture<TaskOutcome> outcome = start(executor, launch, cancel);
        List<Long> tree = awaitPids(TREE_SIZE);
        assertThat(tree)
                .allSatisfy(pid -> assertThat(isRunning(pid))
                        .as("pid %d before cancel", pid)
                        .isTrue());
        cancel.cancel(Executor.TIMEOUT);

        assertThat(outcome.get(BOUND.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(new TaskOutcome.Failed(143, Failure.timeout(Duration.ofMinutes(7))));
        awaitAllDead(tree);
    }

    @Test
    void cancellationKillsTheWholeTreeAndReturnsCancelled() throws Exception {
        Executor executor = Executors.localProcess(Duration.ofMillis(500));
        Cancellation cancel = new Cancellation();
        TaskLaunch launch = launches.of(new Action.Shell(TREE), Map.of("PIDS", pids.toString()));

        CompletableFuture<TaskOutcome> outcome = start(executor, launch, cancel);
        List<Long> tree = awaitPids(TREE_SIZE);
        cancel.cancel("run cancelled by alice");

        assertThat(outcome.get(BOUND.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(new TaskOutcome.Cancelled(143, "run cancelled by alice"));
        awaitAllDead(tree);
    }

    @Test
    void aTreeThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        Executor executor = Executors.localProcess(Duration.ofMillis(200));
        Cancellation cancel = new Cancellation();
        // SIG_IGN is inherited, so the sleep ignores SIGTERM too.
        String script = """
                trap '' TERM
                sleep 100 &
                echo $! >> "$PIDS"
                echo $$ >> "$PIDS"
                wait
                """;
        TaskLaunch launch = launches.of(new Action.Shell(script), Map.of("PIDS", pids.toString()));

        CompletableFuture<TaskOutcome> outcome = start(executor, launch, cancel);
        List<Long> tree = awaitPids(2);
        cancel.cancel("stop");

        assertThat(outcome.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new TaskOutcome.Cancelled(137, "stop"));
        awaitAllDead(tree);
    }

    @Test
    void anAttemptCancelledBeforeItStartsEndsAtOnce() throws Exception {
        Cancellation cancel = new Cancellation();
        cancel.cancel("run cancelled");
        TaskLaunch launch = launches.of(new Action.Command(List.of("sleep", "100")));

        TaskOutcome outcome = start(Executors.localProcess(), launch, cancel).get(BOUND.toSeconds(), TimeUnit.SECONDS);

        assertThat(outcome)
                .isInstanceOfSatisfying(
                        TaskOutcome.Cancelled.class,
                        cancelled -> assertThat(cancelled.reason()).isEqualTo("run cancelled"));
    }

    @Test
    void cancellingAfterTheAttemptEndedChangesNothing() throws Exception {
        Cancellation cancel = new Cancellation();
        TaskLaunch launch = launches.of(new Action.Command(List.of("true")));

        TaskOutcome outcome = start(Executors.localProcess(), launch, cancel).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        cancel.cancel("late");

        assertThat(outcome).isEqualTo(new TaskOutcome.Succeeded(0, Map.of()));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void theAttemptTimerTimesOutALocalProcess() throws Exception {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            AttemptTimer timer = new AttemptTimer(scheduler);
            Executor executor = Executors.localProcess(Duration.ofMillis(200));
            Cancellation cancel = new Cancellation();
            TaskLaunch launch =
                    launches.of(new Action.Command(List.of("sleep", "100")), Map.of(), 1, Duration.ofMillis(300));

            TaskOutcome outcome;
            try (AttemptTimer.Armed armed = timer.arm(launch, cancel)) {
                outcome = start(executor, launch, cancel).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            }

            assertThat(outcome).isEqualTo(new TaskOutcome.Failed(143, Failure.timeout(Duration.ofMillis(300))));
        } finally {
            scheduler.shutdownNow();
        }
    }

    private CompletableFuture<TaskOutcome> start(Executor executor, TaskLaunch launch, Cancellation cancel) {
        return CompletableFuture.supplyAsync(() -> executor.execute(launch, cancel), threads);
    }

    private List<Long> awaitPids(int count) {
        await().atMost(BOUND).until(() -> pidsWritten().size() >= count);
        return pidsWritten();
    }

    private List<Long> pidsWritten() {
        try {
            if (!Files.exists(pids)) {
                return List.of();
            }
            return Files.readAllLines(pids).stream()
                    .filter(line -> !line.isBlank())
                    .map(line -> Long.parseLong(line.strip()))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitAllDead(List<Long> tree) {
        await().atMost(BOUND)
                .untilAsserted(
                        () -> assertThat(tree).as("pids still running").noneMatch(CancelledAttemptTest::isRunning));
    }

    /** Alive and not a zombie (killed orphans stay zombies until init, which may be slow, reaps them). */
    private static boolean isRunning(long pid) {
        Path stat = Path.of("/proc/" + pid + "/stat");
        try {
            String text = Files.readString(stat);
            return ProcessHandle.of(pid).isPresent() && text.charAt(text.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false; // no such process
        }
    }
}
