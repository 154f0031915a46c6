package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Action;
import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.Failure;
import io.gyre.api.JavaTask;
import io.gyre.api.TaskLaunch;
import io.gyre.api.TaskOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InProcessExecutorTest {
    private static final TaskOutcome DONE = new TaskOutcome.Succeeded(0, Map.of("ANSWER", "42"));

    @TempDir
    Path dir;

    private Launches launches;

    private final Executor executor = Executors.inProcess(Map.of(
            "answer", (launch, cancel) -> DONE,
            "boom",
                    (launch, cancel) -> {
                        throw new IllegalStateException("boom at " + launch.task());
                    },
            "silent",
                    (launch, cancel) -> {
                        throw new UnsupportedOperationException();
                    },
            "obedient",
                    (launch, cancel) -> cancel.isCancelled()
                            ? new TaskOutcome.Failed(1, new Failure("stopped", "saw the cancellation", true))
                            : DONE));

    @BeforeEach
    void setUp() {
        launches = new Launches(dir);
    }

    @Test
    void supportsOnlyJavaActions() {
        assertThat(executor.supports(new Action.Java("anything"))).isTrue();
        assertThat(executor.supports(new Action.Shell("true"))).isFalse();
    }

    @Test
    void returnsTheTasksOutcomeUntouched() {
        TaskOutcome outcome = executor.execute(launches.of(new Action.Java("answer")), new Cancellation());

        assertThat(outcome).isSameAs(DONE);
    }

    @Test
    void anExceptionIsARetryableFailureNamingIt() {
        TaskOutcome outcome = executor.execute(launches.of(new Action.Java("boom")), new Cancellation());

        assertThat(outcome)
                .isEqualTo(new TaskOutcome.Failed(
                        1, new Failure("exception", "java.lang.IllegalStateException: boom at task", true)));
    }

    @Test
    void anExceptionWithoutMessageIsNamedByItsClass() {
        TaskOutcome outcome = executor.execute(launches.of(new Action.Java("silent")), new Cancellation());

        assertThat(outcome)
                .isEqualTo(new TaskOutcome.Failed(
                        1, new Failure("exception", "java.lang.UnsupportedOperationException", true)));
    }

    @Test
    void anUnknownTaskFailsListingTheRegisteredOnes() {
        TaskOutcome outcome = executor.execute(launches.of(new Action.Java("nope")), new Cancellation());

        assertThat(outcome)
                .isEqualTo(new TaskOutcome.Failed(
                        1,
                        new Failure(
                                "unknown-task",
                                "no Java task named 'nope' is registered; registered: [answer, boom, obedient, silent]",
                                false)));
    }

    @Test
    void aFailureAfterCancellationIsReportedAsTheCancellation() {
        Cancellation cancelled = new Cancellation();
        cancelled.cancel("run cancelled");
        Cancellation timedOut = new Cancellation();
        timedOut.cancel(Executor.TIMEOUT);
        TaskLaunch launch = launches.of(new Action.Java("obedient"), Map.of(), 1, Duration.ofSeconds(5));

        assertThat(executor.execute(launch, cancelled)).isEqualTo(new TaskOutcome.Cancelled(1, "run cancelled"));
        assertThat(executor.execute(launch, timedOut))
                .isEqualTo(new TaskOutcome.Failed(1, Failure.timeout(Duration.ofSeconds(5))));
    }

    @Test
    void aSuccessDespiteCancellationStands() {
        Cancellation cancelled = new Cancellation();
        cancelled.cancel("too late");

        assertThat(executor.execute(launches.of(new Action.Java("answer")), cancelled))
                .isSameAs(DONE);
    }

    @Test
    void theRegistryIsCopied() {
        java.util.HashMap<String, JavaTask> tasks = new java.util.HashMap<>();
        tasks.put("answer", (launch, cancel) -> DONE);
        Executor copy = Executors.inProcess(tasks);
        tasks.clear();

        assertThat(copy.execute(launches.of(new Action.Java("answer")), new Cancellation()))
                .isSameAs(DONE);
    }
}
