package io.gyre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code gyre} distribution run as a separate process, as a user runs it: signals, timeouts and
 * process trees are real.
 */
class GyreProcessIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Process start(String... args) throws IOException {
        return start(false, args);
    }

    /** Starts the packaged CLI; with {@code ownGroup} in a new session, as a terminal's foreground job is. */
    private Process start(boolean ownGroup, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar = Path.of("target", "gyre-cli.jar").toAbsolutePath();
        assertThat(jar)
                .as("run 'mvn package' first: the IT runs the packaged CLI")
                .isRegularFile();
        List<String> cmd = new ArrayList<>();
        if (ownGroup) {
            cmd.add("setsid");
        }
        cmd.addAll(List.of(java, "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .directory(tmp.toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile())
                .start();
    }

    /** Whether the process is running; a zombie (dead, not yet reaped by init) counts as dead. */
    private static boolean alive(Path pidFile) throws IOException {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String s = Files.readString(stat);
            return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    private JsonNode status(Path runDir, String task) throws IOException {
        return JSON.readTree(
                runDir.resolve("tasks").resolve(task).resolve("status.json").toFile());
    }

    private Path onlyRun() throws IOException {
        List<Path> runs = Cli.children(tmp.resolve("runs"));
        assertThat(runs).hasSize(1);
        return runs.getFirst();
    }

    @Test
    void sigtermCancelsGracefullyKillsTheProcessTreeAndExits130() throws Exception {
        Cli.write(tmp, "long.yaml", """
                name: long
                tasks:
                  sleeper:
                    run: |
                      sleep 120 &
                      echo $! > grandchild.pid
                      wait
                  after:
                    needs: sleeper
                    run: echo never
                """);
        Process gyre = start("run", "long.yaml", "--progress", "plain");
        Path pidFile = tmp.resolve("runs");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> Files.isDirectory(pidFile)
                        && Cli.children(pidFile).size() == 1
                        && Files.exists(
                                Cli.children(pidFile).getFirst().resolve("tasks/sleeper/outputs/grandchild.pid")));
        Path run = onlyRun();
        Path grandchild = run.resolve("tasks/sleeper/outputs/grandchild.pid");
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> !Files.readString(grandchild).isBlank());
        assertThat(alive(grandchild)).isTrue();

        gyre.toHandle().destroy(); // SIGTERM
        assertThat(gyre.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(gyre.exitValue()).isEqualTo(130);
        assertThat(alive(grandchild))
                .as("the task's background child was killed too")
                .isFalse();
        assertThat(status(run, "sleeper").get("state").asText()).isEqualTo("cancelled");
        assertThat(status(run, "after").get("state").asText()).isEqualTo("cancelled");
        JsonNode info = JSON.readTree(run.resolve("run.json").toFile());
        assertThat(info.get("state").asText()).isEqualTo("cancelled");
        assertThat(Files.readString(tmp.resolve("err.txt")))
                .contains("cancelling")
                .doesNotContain("Exception");
    }

    @Test
    void ctrlCOnATerminalReachesTheTasksTooAndTheRunStillEndsCancelled() throws Exception {
        Cli.write(tmp, "long.yaml", """
                name: long
                tasks:
                  sleeper:
                    retries: 3
                    run: |
                      echo started > started.txt
                      sleep 120
                  after:
                    needs: sleeper
                    run: echo never
                  cleanup:
                    needs: sleeper
                    when: always
                    run: echo cleaned
                """);
        Process gyre = start(true, "run", "long.yaml", "--progress", "plain");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> Files.isDirectory(tmp.resolve("runs"))
                        && Cli.children(tmp.resolve("runs")).size() == 1
                        && Files.exists(Cli.children(tmp.resolve("runs"))
                                .getFirst()
                                .resolve("tasks/sleeper/outputs/started.txt")));
        // The whole process group gets SIGINT, as when a user presses Ctrl-C: gyre and the task's bash alike.
        Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + gyre.pid())
                .inheritIO()
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gyre.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(gyre.exitValue()).isEqualTo(130);
        Path run = onlyRun();
        assertThat(status(run, "sleeper").get("state").asText()).isEqualTo("cancelled");
        assertThat(status(run, "sleeper").get("attempts").asInt())
                .as("no retry during a cancellation")
                .isEqualTo(1);
        assertThat(status(run, "after").get("state").asText()).isEqualTo("cancelled");
        assertThat(JSON.readTree(run.resolve("run.json").toFile()).get("state").asText())
                .isEqualTo("cancelled");
    }

    @Test
    void resumingARunThatAnotherProcessIsDrivingIsRefused() throws Exception {
        Cli.write(tmp, "slow.yaml", """
                name: slow
                tasks:
                  wait: {run: "echo started > started.txt; sleep 120"}
                """);
        Process gyre = start("run", "slow.yaml", "--progress", "none");
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Files.isDirectory(tmp.resolve("runs"))
                            && Cli.children(tmp.resolve("runs")).size() == 1
                            && Files.exists(Cli.children(tmp.resolve("runs"))
                                    .getFirst()
                                    .resolve("tasks/wait/outputs/started.txt")));
            Path run = onlyRun();
            Cli resume = Cli.run("run", "--resume", run.toString());
            assertThat(resume.exit()).isEqualTo(2);
            assertThat(resume.err()).contains("being driven by another gyre process");
            List<String> kinds = Files.readAllLines(run.resolve("events.jsonl"));
            assertThat(kinds).noneMatch(l -> l.contains("run_resumed"));
        } finally {
            gyre.toHandle().destroy();
            gyre.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTimeoutKillsTheWholeProcessTreeAndFailsTheTask() throws Exception {
        Cli.write(tmp, "timeout.yaml", """
                name: timeout
                tasks:
                  stuck:
                    timeout: 1s
                    run: |
                      bash -c 'sleep 120 & echo $! > nested.pid; wait' &
                      wait
                """);
        Process gyre = start("run", "timeout.yaml", "--progress", "none");
        assertThat(gyre.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gyre.exitValue()).isEqualTo(1);
        Path run = onlyRun();
        JsonNode s = status(run, "stuck");
        assertThat(s.get("state").asText()).isEqualTo("failed");
        assertThat(s.get("failure_type").asText()).isEqualTo("timeout");
        Path nested = run.resolve("tasks/stuck/outputs/nested.pid");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !alive(nested));
    }

    @Test
    void withoutATerminalProgressIsPlainLinesAndTheRunDirectoryIsPrinted() throws Exception {
        Cli.write(tmp, "hello.yaml", """
                name: hello
                tasks:
                  hi: {run: echo hi}
                """);
        Process gyre = start("run", "hello.yaml");
        assertThat(gyre.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gyre.exitValue()).isZero();
        String err = Files.readString(tmp.resolve("err.txt"));
        assertThat(err).doesNotContain("\r").contains("1/1 succeeded 1").contains("succeeded in");
        assertThat(Files.readString(tmp.resolve("out.txt")).strip())
                .isEqualTo(onlyRun().toString().replace(tmp + "/", ""));
    }
}
