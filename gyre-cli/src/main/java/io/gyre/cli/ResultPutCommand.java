package io.gyre.cli;

import io.gyre.api.TaskId;
import io.gyre.core.InvalidInputException;
import io.gyre.results.NamedArray;
import io.gyre.results.ResultsExecutor;
import io.gyre.results.Snapshot;
import io.gyre.results.SnapshotFile;
import io.gyre.results.SnapshotFiles;
import io.gyre.results.SnapshotParquet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "put",
        description = {
            "Publishes a snapshot of result NAME from inside a task: the values given, or the one array in a JSON,"
                    + " CSV or Parquet file.",
            "Gyre stores it and merges it with the other tasks' snapshots; a newer snapshot of the same name"
                    + " replaces this task's older one."
        })
final class ResultPutCommand implements Callable<Integer> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The result's name, such as dose or pi.")
    @Nullable
    String name;

    @Option(
            names = "--weight",
            paramLabel = "W",
            description = "What this snapshot weighs, e.g. its primaries (default 1).")
    double weight = 1;

    @Option(names = "--values", paramLabel = "v1,v2,...", split = ",", description = "The values.")
    List<String> values = new ArrayList<>();

    @Option(names = "--file", paramLabel = "FILE", description = "A .json, .csv or .parquet file holding one array.")
    @Nullable
    Path file;

    @Option(
            names = "--shape",
            paramLabel = "d1,d2,...",
            split = ",",
            description = "The shape of --values (default: a list).")
    List<Integer> shape = new ArrayList<>();

    @Option(names = "--unit", paramLabel = "UNIT", description = "The unit of the values.")
    @Nullable
    String unit;

    @Option(
            names = "--results-dir",
            paramLabel = "DIR",
            description = "Where to put it (default: $GYRE_RESULTS_DIR, set for every task Gyre runs).")
    @Nullable
    Path resultsDir;

    @Override
    public Integer call() throws IOException {
        String n = Objects.requireNonNull(name);
        List<String> problems = new ArrayList<>();
        if (!NAME.matcher(n).matches()) {
            problems.add("invalid result name '" + n + "': use letters, digits, '_', '-' and '.'");
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            problems.add("--weight must be a finite number >= 0, not " + weight);
        }
        if (values.isEmpty() == (file == null)) {
            problems.add("give the values with --values v1,v2,... or a file with --file FILE (one of them)");
        }
        Path dir = resultsDir;
        if (dir == null) {
            String env = System.getenv(ResultsExecutor.ENV);
            if (env == null || env.isBlank()) {
                problems.add("$" + ResultsExecutor.ENV + " is not set: 'gyre result put' runs inside a task that Gyre"
                        + " started (or give --results-dir DIR)");
            } else {
                dir = Path.of(env);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        NamedArray array = file != null ? fromFile(file, n) : fromValues(n);
        String taskEnv = System.getenv("GYRE_TASK_ID");
        TaskId task = TaskId.of(taskEnv == null || taskEnv.isBlank() ? "task" : taskEnv);
        Snapshot s = new Snapshot(task, n, 0, weight, array.shape(), array.values(), array.unit(), array.axes());
        Path target = Objects.requireNonNull(dir);
        Files.createDirectories(target);
        String stem = n + "." + System.nanoTime();
        Path tmp = target.resolve("." + stem + ".tmp");
        Files.write(tmp, SnapshotParquet.write(s));
        Files.move(tmp, target.resolve(stem + ".parquet"), StandardCopyOption.ATOMIC_MOVE);
        return ExitCodes.OK;
    }

    private NamedArray fromValues(String n) {
        double[] v = new double[values.size()];
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            try {
                v[i] = Double.parseDouble(values.get(i).strip());
            } catch (NumberFormatException e) {
                problems.add("--values item " + (i + 1) + " '" + values.get(i) + "' is not a number");
            }
        }
        int[] dims = shape.isEmpty()
                ? new int[] {v.length}
                : shape.stream().mapToInt(Integer::intValue).toArray();
        long count = 1;
        for (int d : dims) {
            count *= d;
        }
        if (count != v.length) {
            problems.add("--shape " + shape + " holds " + count + " values, but --values has " + v.length);
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return new NamedArray(n, dims, v, unit, List.of());
    }

    private NamedArray fromFile(Path f, String n) {
        if (!shape.isEmpty()) {
            throw new InvalidInputException(List.of("--shape goes with --values; a file gives its own shape"));
        }
        SnapshotFile read = SnapshotFiles.read(f);
        if (read.arrays().size() != 1) {
            List<String> names = read.arrays().stream().map(NamedArray::name).toList();
            throw new InvalidInputException(
                    List.of(f + " holds " + read.arrays().size() + " arrays " + names
                            + "; 'gyre result put' publishes one. Copy the file into $" + ResultsExecutor.ENV
                            + " to publish them all"));
        }
        NamedArray a = read.arrays().getFirst();
        return new NamedArray(n, a.shape(), a.values(), unit != null ? unit : a.unit(), a.axes());
    }
}
