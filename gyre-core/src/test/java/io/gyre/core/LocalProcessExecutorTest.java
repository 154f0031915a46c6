package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Action;
import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.Failure;
import io.gyre.api.TaskLaunch;
import io.gyre.api.TaskOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LocalProcessExecutorTest {
    private final Executor executor = Executors.localProcess();

    @TempDir
    Path dir;

    private Launches launches;

    @BeforeEach
    void setUp() {
        launches = new Launches(dir);
    }

    private TaskOutcome run(TaskLaunch launch) {
        return executor.execute(launch, new Cancellation());
    }

    private static Action shell(String script) {
        return new Action.Shell(script);
    }

    private static Action command(String... argv) {
        return new Action.Command(List.of(argv));
    }

    @Test
    void supportsShellAndCommandButNotJava() {
        assertThat(executor.supports(shell("true"))).isTrue();
        assertThat(executor.supports(command("true"))).isTrue();
        assertThat(executor.supports(new Action.Java("x"))).isFalse();
    }

    @Test
    void shellScriptWritesStdoutAndStderrToTheLaunchFiles() {
        TaskOutcome outcome = run(launches.of(shell("echo out; echo err >&2; pwd")));

        assertThat(outcome).isEqualTo(new TaskOutcome.Succeeded(0, Map.of()));
        assertThat(launches.read(launches.stdout())).isEqualTo("out\n" + launches.workDir() + "\n");
        assertThat(launches.read(launches.stderr())).isEqualTo("err\n");
    }

    @Test
    void shellRunsWithErrexitAndPipefail() {
        TaskOutcome errexit = run(launches.of(shell("false; echo not reached")));
        TaskOutcome pipefail = run(launches.of(shell("exit 4 | cat; echo not reached")));

        assertThat(errexit).isEqualTo(new TaskOutcome.Failed(1, Failure.exit(1)));
        assertThat(pipefail).isEqualTo(new TaskOutcome.Failed(4, Failure.exit(4)));
        assertThat(launches.read(launches.stdout())).doesNotContain("not reached");
    }

    @Test
    void commandArgumentsArePassedVerbatimWithoutAShell() {
        TaskOutcome outcome = run(launches.of(command("printf", "[%s]\\n", "a b", "$HOME", "*", "'; echo no")));

        assertThat(outcome).isInstanceOf(TaskOutcome.Succeeded.class);
        assertThat(launches.read(launches.stdout())).isEqualTo("[a b]\n[$HOME]\n[*]\n['; echo no]\n");
    }

    @Test
    void nonZeroExitIsARetryableExitFailure() {
        TaskOutcome outcome = run(launches.of(command("bash", "-c", "exit 42")));

        assertThat(outcome).isEqualTo(new TaskOutcome.Failed(42, new Failure("exit", "exited with code 42", true)));
    }

    @Test
    void stdinIsEmptySoReadingItEndsAtOnce() {
        TaskOutcome outcome = run(launches.of(command("cat")));

        assertThat(outcome).isInstanceOf(TaskOutcome.Succeeded.class);
        assertThat(launches.read(launches.stdout())).isEmpty();
    }

    @Test
    void environmentIsTheInheritedBasePlusTheLaunchEnvAndNothingElse() {
        Map<String, String> parent = System.getenv();
        Set<String> expected = LocalProcessExecutor.INHERITED.stream()
                .filter(parent::containsKey)
                .collect(Collectors.toCollection(HashSet::new));
        expected.addAll(List.of("GYRE_OUTPUT", "ANSWER", "HOME"));
        // The test JVM always has some variable outside the base (JAVA_HOME from the build, at least).
        assertThat(parent.keySet())
                .isNotEmpty()
                .anySatisfy(name -> assertThat(expected).doesNotContain(name));

        TaskOutcome outcome = run(launches.of(command("env", "-0"), Map.of("ANSWER", "42", "HOME", "/nowhere")));

        assertThat(outcome).isInstanceOf(TaskOutcome.Succeeded.class);
        Map<String, String> child = Arrays.stream(
                        launches.read(launches.stdout()).split("\0"))
                .map(entry -> entry.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        assertThat(child.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(child).containsEntry("ANSWER", "42").containsEntry("HOME", "/nowhere");
        if (parent.containsKey("PATH")) {
            assertThat(child).containsEntry("PATH", parent.get("PATH"));
        }
    }

    @Test
    void environmentValuesAreDataNotCode() {
        Path marker = dir.resolve("pwned");
        String hostile = "'; touch " + marker + "; ' $(touch " + marker + ") `touch " + marker + "`";

        TaskOutcome outcome =
                run(launches.of(shell("echo \"$VALUE\"; printf '%s\\n' $VALUE >/dev/null"), Map.of("VALUE", hostile)));

        assertThat(outcome).isInstanceOf(TaskOutcome.Succeeded.class);
        assertThat(launches.read(launches.stdout())).isEqualTo(hostile + "\n");
        assertThat(marker).doesNotExist();
    }

    @Test
    void retriesAppendToTheLogsAfterAnAttemptHeader() throws IOException {
        Files.writeString(launches.stdout(), "first attempt\n");

        TaskOutcome outcome = run(launches.of(shell("echo second attempt; echo oops >&2"), Map.of(), 2, null));

        assertThat(outcome).isInstanceOf(TaskOutcome.Succeeded.class);
        assertThat(launches.read(launches.stdout())).isEqualTo("first attempt\n--- attempt 2 ---\nsecond attempt\n");
        assertThat(launches.read(launches.stderr())).isEqualTo("--- attempt 2 ---\noops\n");
    }

    @Test
    void outputsAreParsedFromTheOutputFile() {
        String script = """
                echo 'COUNT=1' >> "$GYRE_OUTPUT"
                echo '# a comment' >> "$GYRE_OUTPUT"
                echo '' >> "$GYRE_OUTPUT"
                echo 'URL=http://h/?a=b&c=d' >> "$GYRE_OUTPUT"
                echo 'EMPTY=' >> "$GYRE_OUTPUT"
                echo 'COUNT=2' >> "$GYRE_OUTPUT"
                """;

        TaskOutcome outcome = run(launches.of(shell(script)));

        assertThat(outcome)
                .isEqualTo(new TaskOutcome.Succeeded(0, Map.of("COUNT", "2", "URL", "http://h/?a=b&c=d", "EMPTY", "")));
    }

    @Test
    void noOutputFileMeansNoOutputs() {
        assertThat(run(launches.of(command("true")))).isEqualTo(new TaskOutcome.Succeeded(0, Map.of()));
    }

    @Test
    void aLineWithoutEqualsFailsTheAttemptNamingTheLine() {
        TaskOutcome outcome = run(launches.of(shell("printf 'A=1\\n\\nnot a pair\\n' >> \"$GYRE_OUTPUT\"")));

        assertThat(outcome).isInstanceOfSatisfying(TaskOutcome.Failed.class, failed -> {
            assertThat(failed.exitCode()).isZero();
            assertThat(failed.failure().type()).isEqualTo("output");
            assertThat(failed.failure().retryable()).isFalse();
            assertThat(failed.failure().message()).contains("line 3").contains("not a pair");
        });
    }

    @Test
    void anInvalidKeyFailsTheAttemptNamingTheLine() {
        TaskOutcome outcome = run(launches.of(shell("echo '1BAD=x' >> \"$GYRE_OUTPUT\"")));

        assertThat(outcome).isInstanceOfSatisfying(TaskOutcome.Failed.class, failed -> {
            assertThat(failed.failure().type()).isEqualTo("output");
            assertThat(failed.failure().message()).contains("line 1").contains("'1BAD'");
        });
    }

    @Test
    void outputsOfAFailedAttemptAreIgnored() {
        TaskOutcome outcome = run(launches.of(shell("echo 'garbage' >> \"$GYRE_OUTPUT\"; exit 3")));

        assertThat(outcome).isEqualTo(new TaskOutcome.Failed(3, Failure.exit(3)));
    }

    @Test
    void aMissingProgramIsANonRetryableSpawnFailure() {
        TaskOutcome outcome = run(launches.of(command("/no/such/program", "x")));

        assertThat(outcome).isInstanceOfSatisfying(TaskOutcome.Failed.class, failed -> {
            assertThat(failed.exitCode()).isEqualTo(127);
            assertThat(failed.failure().type()).isEqualTo("spawn");
            assertThat(failed.failure().retryable()).isFalse();
            assertThat(failed.failure().message())
                    .startsWith("could not start '/no/such/program': ")
                    .contains("No such file");
        });
    }

    @Test
    void aMissingWorkingDirectoryIsASpawnFailureThatSaysSo() {
        TaskLaunch launch = launches.of(command("true"));
        Path missing = dir.resolve("gone");
        TaskLaunch elsewhere = new TaskLaunch(
                launch.run(),
                launch.task(),
                1,
                launch.action(),
                launch.env(),
                missing,
                launch.stdout(),
                launch.stderr(),
                launch.outputFile(),
                null);

        TaskOutcome outcome = run(elsewhere);

        assertThat(outcome).isInstanceOfSatisfying(TaskOutcome.Failed.class, failed -> {
            assertThat(failed.exitCode()).isEqualTo(127);
            assertThat(failed.failure().type()).isEqualTo("spawn");
            assertThat(failed.failure().message())
                    .isEqualTo("could not start 'true': the working directory " + missing + " does not exist");
        });
    }

    @Test
    void anEnvironmentTheOsCannotTakeIsASpawnFailureNotAnException() {
        TaskOutcome outcome = run(launches.of(command("true"), Map.of("A=B", "x")));

        assertThat(outcome).isInstanceOfSatisfying(TaskOutcome.Failed.class, failed -> {
            assertThat(failed.exitCode()).isEqualTo(127);
            assertThat(failed.failure().type()).isEqualTo("spawn");
            assertThat(failed.failure().message()).startsWith("could not start 'true': invalid environment");
        });
    }

    @Test
    void aSignalledProcessReports128PlusTheSignal() {
        TaskOutcome outcome = run(launches.of(command("bash", "-c", "kill -KILL $$")));

        assertThat(outcome).isEqualTo(new TaskOutcome.Failed(137, Failure.exit(137)));
    }

    @Test
    void javaActionsAreRefused() {
        TaskOutcome outcome = run(launches.of(new Action.Java("x")));

        assertThat(outcome)
                .isInstanceOfSatisfying(
                        TaskOutcome.Failed.class,
                        failed -> assertThat(failed.failure().type()).isEqualTo("unsupported-action"));
    }
}
