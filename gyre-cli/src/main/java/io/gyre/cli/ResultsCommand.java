package io.gyre.cli;

import io.gyre.api.Flow;
import io.gyre.api.ObjectStore;
import io.gyre.api.TaskId;
import io.gyre.core.FlowLoader;
import io.gyre.core.InvalidInputException;
import io.gyre.core.ObjectStores;
import io.gyre.core.RunDirectory;
import io.gyre.results.MergedResult;
import io.gyre.results.ResultsCsv;
import io.gyre.results.ResultsJson;
import io.gyre.results.ResultsText;
import io.gyre.results.ResultsView;
import io.gyre.results.Snapshot;
import io.gyre.results.SnapshotParquet;
import io.gyre.results.SnapshotStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "results",
        description = {
            "Shows a run's merged results (or one task's newest snapshots with --task).",
            "--watch refreshes every second while the run is live."
        })
final class ResultsCommand implements Callable<Integer> {
    private static final List<String> FORMATS = List.of("text", "json", "csv", "parquet");

    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Parameters(
            paramLabel = "RUN_DIR|RUN_ID",
            description = "A run directory, such as runs/<run-id>; or a run id, looked up in --runs-dir and then in"
                    + " the data directory's runs/.")
    @Nullable
    String runDir;

    @Option(
            names = "--runs-dir",
            paramLabel = "DIR",
            description = "Where a RUN_ID's directory is looked for first (default: ./runs, as gyre run).")
    Path runsDir = Path.of("runs");

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "The shared data directory of distributed mode, where a RUN_ID is looked for next"
                    + " (default: $GYRE_DATA_DIR, else ~/.gyre/data).")
    @Nullable
    Path dataDir;

    @Option(names = "--name", paramLabel = "NAME", description = "Only this result (repeatable).")
    List<String> names = new ArrayList<>();

    @Option(names = "--task", paramLabel = "TASK", description = "The newest snapshots of one task, not the merge.")
    @Nullable
    String task;

    @Option(names = "--watch", description = "Refreshes every second until the run ends (text output).")
    boolean watch;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "text|json|csv|parquet",
            description = "Output format (default: text). Parquet needs --to.")
    String output = "text";

    @Option(
            names = "--to",
            paramLabel = "PATH",
            description = "With --output parquet: the file to write (a directory when there are several results).")
    @Nullable
    Path to;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String fmt = output.toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(fmt)) {
            throw new InvalidInputException(
                    List.of("--output '" + output + "' is not one of " + String.join(", ", FORMATS)));
        }
        if (fmt.equals("parquet") && to == null) {
            throw new InvalidInputException(
                    List.of("Parquet is binary: give --to FILE (or --to DIR for several results)"));
        }
        if (watch && !fmt.equals("text")) {
            throw new InvalidInputException(List.of("--watch shows text; drop --output " + output + " or --watch"));
        }
        RunDirectory dir =
                RunDirs.locate(Objects.requireNonNull(runDir), runsDir, StoreOptions.dataDir(dataDir, System.getenv()));
        PrintWriter out = spec.commandLine().getOut();
        ObjectStore store = ObjectStores.directory(dir.path());
        if (!watch) {
            return print(dir, store, fmt, out);
        }
        while (true) {
            String state = dir.readRun().state();
            boolean live = state.equals("running") || state.equals("pending");
            if (!live) {
                awaitFinalFiles(dir.path());
            }
            out.print("\033[H\033[2J");
            out.println("run " + dir.readRun().id() + " (" + state + ")");
            print(dir, store, fmt, out);
            out.flush();
            if (!live) {
                return ExitCodes.OK;
            }
            Thread.sleep(Duration.ofSeconds(1));
        }
    }

    /**
     * The run records its end before its last merged results are written: waits (up to 5 s) until they are newer
     * than run.json, so the last frame shows the final values.
     */
    private static void awaitFinalFiles(Path runDir) throws IOException, InterruptedException {
        Path summary = runDir.resolve("results/summary.txt");
        if (!Files.isDirectory(runDir.resolve("results/snapshots"))) {
            return;
        }
        long ended =
                Files.getLastModifiedTime(runDir.resolve(RunDirectory.RUN_JSON)).toMillis();
        for (int i = 0; i < 50; i++) {
            if (Files.exists(summary) && Files.getLastModifiedTime(summary).toMillis() >= ended) {
                return;
            }
            Thread.sleep(Duration.ofMillis(100));
        }
    }

    private int print(RunDirectory dir, ObjectStore store, String fmt, PrintWriter out) throws IOException {
        List<MergedResult> results = select(dir, store);
        switch (fmt) {
            case "json" -> out.print(new String(ResultsJson.write(results), StandardCharsets.UTF_8));
            case "csv" -> out.print(ResultsCsv.write(results));
            case "parquet" -> writeParquet(results, Objects.requireNonNull(to), out);
            default -> {
                if (results.isEmpty()) {
                    out.println("no results yet (tasks publish them into $GYRE_RESULTS_DIR; see docs/results.md)");
                }
                out.print(ResultsText.summary(results, List.of()));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private List<MergedResult> select(RunDirectory dir, ObjectStore store) {
        List<MergedResult> all;
        if (task != null) {
            TaskId id = TaskIds.parse(task);
            if (!Files.isDirectory(dir.taskDir(id))) {
                throw new InvalidInputException(List.of("task '" + id + "' has not run in " + dir.path()
                        + " (see 'gyre status " + dir.path() + "' for its tasks)"));
            }
            all = new ArrayList<>();
            Flow flow = FlowLoader.parse(
                    dir.flowText(), dir.path().resolve(RunDirectory.FLOW).toString());
            for (Snapshot s : new SnapshotStore(store, "results").latest(id)) {
                // one task's snapshot, shown like a merge of one contributor
                all.add(new MergedResult(
                        s.name(),
                        ResultsView.opOf(flow.mergeOf(s.name())),
                        s.shape(),
                        s.values(),
                        new double[0],
                        1,
                        s.weight(),
                        s.unit(),
                        s.axes()));
            }
        } else {
            all = new SnapshotStore(store, "results").mergedAll();
        }
        if (names.isEmpty()) {
            return all;
        }
        List<MergedResult> chosen = new ArrayList<>();
        for (String n : names) {
            MergedResult r =
                    all.stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
            if (r == null) {
                List<String> known = all.stream().map(MergedResult::name).toList();
                throw new InvalidInputException(List.of("no result named '" + n + "' in " + dir.path()
                        + (known.isEmpty()
                                ? " (it has no results yet)"
                                : " (it has: " + String.join(", ", known) + ")")));
            }
            chosen.add(r);
        }
        return chosen;
    }

    private static void writeParquet(List<MergedResult> results, Path target, PrintWriter out) throws IOException {
        if (results.isEmpty()) {
            throw new InvalidInputException(List.of("there are no results to write"));
        }
        if (results.size() == 1 && !Files.isDirectory(target)) {
            Files.write(target, SnapshotParquet.write(results.getFirst()));
            out.println(target);
            return;
        }
        Files.createDirectories(target);
        for (MergedResult r : results) {
            Path file = target.resolve(r.name() + ".parquet");
            Files.write(file, SnapshotParquet.write(r));
            out.println(file);
        }
    }
}
