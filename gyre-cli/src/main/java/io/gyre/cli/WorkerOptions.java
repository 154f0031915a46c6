package io.gyre.cli;

import io.gyre.api.GyreException;
import io.gyre.api.OrchestratorId;
import io.gyre.api.QueueName;
import io.gyre.api.WorkerId;
import io.gyre.core.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** What a worker serves and offers: {@code --queues}, {@code --labels}, {@code --slots}, {@code --grace}. */
final class WorkerOptions {
    @Option(
            names = "--queues",
            paramLabel = "Q1,Q2",
            split = ",",
            description = "Queues this worker serves, in preference order (default: default).")
    List<String> queues = new ArrayList<>(List.of("default"));

    @Option(
            names = "--labels",
            paramLabel = "K=V,...",
            description = "Labels this worker offers; a task with labels: {gpu: \"true\"} only runs on a worker "
                    + "offering them all (default: none).")
    @Nullable
    String labels;

    @Option(
            names = "--slots",
            paramLabel = "N",
            description = "Attempts running at once (default: the number of cores).")
    int slots = Runtime.getRuntime().availableProcessors();

    @Option(
            names = "--grace",
            paramLabel = "SECONDS",
            description = "On SIGTERM, how long running tasks may finish before they are handed back (default: 10).")
    int graceSeconds = 10;

    @Option(names = "--name", paramLabel = "ID", description = "This worker's id (default: <host>-<pid>).")
    @Nullable
    String name;

    Worker.Config config(Path runsDir, Duration leaseTtl) {
        if (slots < 1) {
            throw new GyreException("--slots must be at least 1, not " + slots);
        }
        if (graceSeconds < 0) {
            throw new GyreException("--grace must not be negative, not " + graceSeconds);
        }
        List<QueueName> qs = new ArrayList<>();
        for (String q : queues) {
            if (q.isBlank()) {
                throw new GyreException("--queues has an empty queue name; write it as q1,q2");
            }
            qs.add(queueName(q.strip()));
        }
        return new Worker.Config(
                workerId(), qs, parseLabels(labels), slots, leaseTtl, Duration.ofSeconds(graceSeconds), runsDir);
    }

    private static QueueName queueName(String q) {
        try {
            return QueueName.of(q);
        } catch (GyreException e) {
            throw new GyreException("--queues: " + e.getMessage(), e);
        }
    }

    /** The id given with {@code --name}, else {@code <host>-<pid>}. */
    String id() {
        String n = name;
        return n != null ? n : defaultName();
    }

    /** {@code <host>-<pid>}, with characters ids do not allow replaced. */
    static String defaultName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "gyre";
        }
        return host.replaceAll("[^A-Za-z0-9_.\\-]", "_") + "-"
                + ProcessHandle.current().pid();
    }

    private WorkerId workerId() {
        try {
            return WorkerId.of(id());
        } catch (GyreException e) {
            throw new GyreException("--name: " + e.getMessage(), e);
        }
    }

    static OrchestratorId orchestratorId(String n) {
        try {
            return OrchestratorId.of(n);
        } catch (GyreException e) {
            throw new GyreException("--name: " + e.getMessage(), e);
        }
    }

    /** {@code gpu=true,zone=a} as a map; every entry needs a key and a value. */
    static Map<String, String> parseLabels(@Nullable String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new GyreException(
                        "--labels entry '" + part + "' is not KEY=VALUE; write labels as gpu=true,zone=a");
            }
            String k = part.substring(0, eq).strip();
            if (out.put(k, part.substring(eq + 1).strip()) != null) {
                throw new GyreException("--labels gives '" + k + "' twice");
            }
        }
        return out;
    }
}
