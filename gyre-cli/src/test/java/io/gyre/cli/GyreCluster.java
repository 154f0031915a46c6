package io.gyre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.redis.RedisStore;
import io.gyre.redis.RedisStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Gyre processes of the packaged CLI ({@code target/gyre-cli.jar}) over one Redis, for crash tests: start them by
 * name, kill them with SIGKILL, restart them, and check a run through {@code gyre status} and the store itself.
 * Every process is killed by {@link #close}.
 */
final class GyreCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String store;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, List<String>> commands = new HashMap<>();
    private final List<Process> all = new ArrayList<>();

    GyreCluster(Path dir, String store) {
        this.dir = dir;
        this.store = store;
    }

    String store() {
        return store;
    }

    Path data() {
        return dir.resolve("data");
    }

    /** Starts {@code gyre ARGS --store S --data-dir D} as process {@code name}; its stderr goes to name.err. */
    Process start(String name, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--store", store, "--data-dir", data().toString()));
        commands.put(name, a);
        return launch(name);
    }

    private Process launch(String name) {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar = Path.of("target", "gyre-cli.jar").toAbsolutePath();
        assertThat(jar).as("run 'mvn package' first").isRegularFile();
        List<String> cmd = new ArrayList<>(
                List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", jar.toString()));
        cmd.addAll(commands.getOrDefault(name, List.of()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve(name + ".out").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        dir.resolve(name + ".err").toFile()));
        pb.environment().remove("GYRE_STORE");
        try {
            Process p = pb.start();
            processes.put(name, p);
            all.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the process gets no chance to hand anything back or leave the membership. */
    void kill(String name) throws InterruptedException {
        Process p = process(name);
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Starts {@code name} again with the same arguments (and the same --name, so the same id). */
    void restart(String name) {
        launch(name);
    }

    boolean alive(String name) {
        return process(name).isAlive();
    }

    private Process process(String name) {
        Process p = processes.get(name);
        if (p == null) {
            throw new AssertionError("no process named " + name);
        }
        return p;
    }

    String err(String name) {
        try {
            Path f = dir.resolve(name + ".err");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code name} printed "ready" {@code times} times in total (so restarts count). */
    void awaitReady(String name, int times, Duration bound) {
        Awaitility.await().atMost(bound).until(() -> err(name).split("; ready", -1).length - 1 >= times);
    }

    String submit(String yaml) throws IOException {
        Path flow = dir.resolve("flow-" + System.nanoTime() + ".yaml");
        Files.writeString(flow, yaml);
        Cli c = Cli.run("submit", flow.toString(), "--store", store, "--data-dir", data().toString());
        assertThat(c.exit()).as(c.err()).isZero();
        return c.out().strip();
    }

    JsonNode status(String run) {
        Cli c = Cli.run("status", run, "--store", store, "--data-dir", data().toString(), "--output", "json");
        assertThat(c.exit()).as(c.err()).isZero();
        try {
            return JSON.readTree(c.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode task(JsonNode status, String id) {
        for (JsonNode t : status.get("tasks")) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no task " + id + " in " + status);
    }

    JsonNode awaitRun(String run, String state, Duration bound) {
        Awaitility.await()
                .atMost(bound)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> status(run).get("state").asText().equals(state));
        return status(run);
    }

    /**
     * What a finished run must look like in the store: every task final and succeeded exactly once (one
     * {@code task_succeeded} event at most, since events of a hand-over may be missing but never doubled for a
     * commit), its committed attempt one of the attempts that ran (in {@code counts/<task>}), and nothing left in
     * the queue or leased.
     */
    void assertCommittedExactlyOnce(String run, JsonNode status, Path counts) throws IOException {
        assertThat(status.get("state").asText()).isEqualTo("succeeded");
        try (RedisStore s = RedisStores.connect(store, RedisStores.DEFAULT_PREFIX, InstantSource.system())) {
            Map<String, Integer> succeededEvents = new HashMap<>();
            long after = 0;
            while (true) {
                List<Event> page = s.events(RunId.of(run), after, 10_000);
                if (page.isEmpty()) {
                    break;
                }
                for (Event e : page) {
                    if (e.kind() == EventKind.TASK_SUCCEEDED && e.task() != null) {
                        succeededEvents.merge(e.task().value(), 1, Integer::sum);
                    }
                    after = e.seq();
                }
            }
            int tasks = 0;
            for (JsonNode t : status.get("tasks")) {
                String id = t.get("id").asText();
                tasks++;
                assertThat(t.get("state").asText()).as(id).isEqualTo("succeeded");
                assertThat(succeededEvents.getOrDefault(id, 0))
                        .as("commits of " + id)
                        .isLessThanOrEqualTo(1);
                Path ran = counts.resolve(id);
                if (Files.exists(ran)) {
                    List<String> attempts = Files.readAllLines(ran);
                    assertThat(attempts)
                            .as("attempts of " + id + " that ran")
                            .contains(t.get("attempts").asText());
                    assertThat(attempts)
                            .as("each attempt of " + id + " ran once")
                            .doesNotHaveDuplicates();
                }
            }
            assertThat(tasks).isPositive();
            assertThat(s.leaseCount()).as("leases left").isZero();
            assertThat(s.queueDepth(QueueName.of("default")))
                    .as("items left queued")
                    .isZero();
            assertThat(s.activeRuns()).as("runs left active").doesNotContain(RunId.of(run));
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : all) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
