package io.gyre.bench;

import io.gyre.api.Action;
import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.Flow;
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
import io.gyre.results.MergedResult;
import io.gyre.results.ResultsExecutor;
import io.gyre.results.ResultsView;
import io.gyre.results.Snapshot;
import io.gyre.results.SnapshotParquet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Snapshot latency: from a file renamed into {@code $GYRE_RESULTS_DIR} to the live merged view including it.
 * A task (run through the real {@link ResultsExecutor}: inbox polling, parsing, Parquet, object store, event,
 * {@link ResultsView}) publishes cumulative snapshots every {@code --every} ms; after each rename it waits until
 * the merged weight shows the new snapshot and records the time. Two sizes: a 100-value JSON histogram and a
 * 1,000,000-value Parquet array.
 *
 * <p>Usage: {@code SnapshotLatency [--snapshots N] [--every MS]}
 */
public final class SnapshotLatency {
    private SnapshotLatency() {}

    public static void main(String[] args) throws Exception {
        int snapshots = 200;
        int every = 50;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--snapshots" -> snapshots = Integer.parseInt(args[++i]);
                case "--every" -> every = Integer.parseInt(args[++i]);
                default -> throw new GyreException("unknown argument '" + args[i] + "'");
            }
        }
        measure("json_100", 100, false, snapshots, every);
        measure("parquet_1m", 1_000_000, true, Math.max(20, snapshots / 5), every * 4);
    }

    private static void measure(String label, int size, boolean parquet, int snapshots, int every) throws Exception {
        Path root = Files.createTempDirectory("gyre-latency-");
        InstantSource clock = InstantSource.system();
        Stores.InMemoryStore store = Stores.inMemory(clock);
        RunId run = RunId.of("latency");
        TaskId task = TaskId.of("sim");
        store.createRun(
                new RunRecord(run, "latency", RunState.RUNNING, 0, clock.instant(), null, Map.of()),
                List.of(TaskRecord.pending(run, task)));
        ObjectStore objects = ObjectStores.directory(root);
        ResultsView view = ResultsView.start(run, Flow.of("latency", List.of()), objects);
        store.subscribe(run, view);
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        int warmUp = 5; // the first snapshots pay class loading and the JIT: measured, reported apart
        double[] latencies = new double[snapshots];
        double[] first = new double[warmUp];
        Executor publisher = new Executor() {
            @Override
            public boolean supports(Action action) {
                return true;
            }

            @Override
            public TaskOutcome execute(TaskLaunch launch, Cancellation cancel) {
                Path inbox = Path.of(launch.env().get(ResultsExecutor.ENV));
                double[] values = new double[size];
                Arrays.fill(values, 1.0);
                try {
                    for (int s = 1; s <= snapshots + warmUp; s++) {
                        Path tmp = inbox.resolve(".snap.tmp");
                        if (parquet) {
                            Files.write(
                                    tmp,
                                    SnapshotParquet.write(new Snapshot(task, "x", 0, s, new int[] {size}, values)));
                        } else {
                            Files.writeString(tmp, json(values, s));
                        }
                        long t0 = System.nanoTime();
                        Files.move(
                                tmp,
                                inbox.resolve(parquet ? "snap.parquet" : "snap.json"),
                                StandardCopyOption.ATOMIC_MOVE);
                        while (!shows(view.current(), s)) {
                            Thread.onSpinWait();
                            if (System.nanoTime() - t0 > Duration.ofSeconds(30).toNanos()) {
                                throw new GyreException("snapshot " + s + " never reached the view");
                            }
                        }
                        double ms = (System.nanoTime() - t0) / 1e6;
                        if (s <= warmUp) {
                            first[s - 1] = ms;
                        } else {
                            latencies[s - warmUp - 1] = ms;
                        }
                        Thread.sleep(every);
                    }
                } catch (IOException | InterruptedException e) {
                    throw new GyreException("publishing failed: " + e, e);
                }
                return new TaskOutcome.Succeeded(0, Map.of());
            }
        };
        try (ResultsExecutor results = new ResultsExecutor(publisher, store, r -> objects, clock, timers)) {
            Path work = root.resolve("tasks/sim/outputs");
            Files.createDirectories(work);
            results.execute(
                    new TaskLaunch(
                            run,
                            task,
                            1,
                            new Action.Shell("true"),
                            Map.of(),
                            work,
                            Path.of("/dev/null"),
                            Path.of("/dev/null"),
                            Path.of("/dev/null"),
                            null),
                    new Cancellation());
        } finally {
            view.close();
            timers.shutdownNow();
        }
        Arrays.sort(latencies);
        double p50 = latencies[latencies.length / 2];
        double p99 = latencies[(int) Math.ceil(latencies.length * 0.99) - 1];
        Results.note(String.format(
                Locale.ROOT,
                "%s: %d snapshots of %d values, max %.1f ms",
                label,
                snapshots,
                size,
                latencies[latencies.length - 1]));
        Results.result("latency." + label + ".p50_ms", p50, "ms");
        Results.result("latency." + label + ".p99_ms", p99, "ms");
        deleteTree(root);
    }

    private static boolean shows(List<MergedResult> current, int seq) {
        return !current.isEmpty() && current.getFirst().weight() >= seq;
    }

    private static String json(double[] values, int weight) {
        StringBuilder sb =
                new StringBuilder("{\"weight\": ").append(weight).append(", \"results\": {\"x\": {\"values\": [");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append(values[i]);
        }
        return sb.append("]}}}").toString();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
