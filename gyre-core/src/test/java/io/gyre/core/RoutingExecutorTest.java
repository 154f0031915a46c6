package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Action;
import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.TaskOutcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingExecutorTest {
    private static final TaskOutcome FROM_JAVA = new TaskOutcome.Succeeded(0, Map.of("BY", "java"));

    @TempDir
    Path dir;

    private Launches launches;

    @BeforeEach
    void setUp() {
        launches = new Launches(dir);
    }

    @Test
    void eachActionGoesToTheFirstExecutorThatSupportsIt() {
        Executor routing = Executors.routing(
                List.of(Executors.inProcess(Map.of("t", (launch, cancel) -> FROM_JAVA)), Executors.localProcess()));

        TaskOutcome java = routing.execute(launches.of(new Action.Java("t")), new Cancellation());
        TaskOutcome shell =
                routing.execute(launches.of(new Action.Shell("echo BY=shell >> \"$GYRE_OUTPUT\"")), new Cancellation());

        assertThat(java).isSameAs(FROM_JAVA);
        assertThat(shell).isEqualTo(new TaskOutcome.Succeeded(0, Map.of("BY", "shell")));
        assertThat(routing.supports(new Action.Command(List.of("true")))).isTrue();
    }

    @Test
    void theFirstSupportingExecutorWins() {
        TaskOutcome first = new TaskOutcome.Succeeded(0, Map.of("BY", "first"));
        Executor routing = Executors.routing(List.of(
                Executors.inProcess(Map.of("t", (launch, cancel) -> first)),
                Executors.inProcess(Map.of("t", (launch, cancel) -> FROM_JAVA))));

        assertThat(routing.execute(launches.of(new Action.Java("t")), new Cancellation()))
                .isSameAs(first);
    }

    @Test
    void anActionNoExecutorSupportsFailsWithoutRetry() {
        Executor routing = Executors.routing(List.of(Executors.localProcess()));

        TaskOutcome outcome = routing.execute(launches.of(new Action.Java("t")), new Cancellation());

        assertThat(routing.supports(new Action.Java("t"))).isFalse();
        assertThat(outcome).isInstanceOfSatisfying(TaskOutcome.Failed.class, failed -> {
            assertThat(failed.exitCode()).isEqualTo(1);
            assertThat(failed.failure().type()).isEqualTo("no-executor");
            assertThat(failed.failure().retryable()).isFalse();
            assertThat(failed.failure().message()).contains("Java").contains("task");
        });
    }
}
