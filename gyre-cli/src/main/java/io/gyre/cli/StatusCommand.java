package io.gyre.cli;

import io.gyre.core.ClusterRunStatus;
import io.gyre.core.InvalidInputException;
import io.gyre.core.RunDirectory;
import io.gyre.core.RunStatus;
import io.gyre.core.SweepStatus;
import io.gyre.core.TaskStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "status",
        description = "Shows a run's state and every task's state, attempts, exit code and times.")
final class StatusCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Parameters(
            paramLabel = "RUN_DIR|RUN_ID",
            description =
                    "A run directory, such as runs/<run-id>; or, with --store or $GYRE_STORE, a submitted run's id.")
    @Nullable
    String run;

    @picocli.CommandLine.Mixin
    StoreOptions store = new StoreOptions();

    @Option(
            names = {"-o", "--output"},
            paramLabel = "text|json",
            description = "Output format (default: text).")
    String output = "text";

    @Override
    public Integer call() throws Exception {
        String fmt = format(output);
        String target = java.util.Objects.requireNonNull(run);
        java.util.Map<String, String> env = System.getenv();
        PrintWriter out = spec.commandLine().getOut();
        if (store.chosen(env)) {
            io.gyre.api.RunId id = CancelCommand.runId(target);
            java.time.InstantSource clock = java.time.InstantSource.system();
            ClusterRunStatus status;
            try (StoreConnection c = StoreConnection.open(store, env, clock, false, true);
                    io.gyre.core.RunClient client = c.client(clock)) {
                status = client.status(id);
            }
            if (fmt.equals("json")) {
                out.println(status.toJson());
            } else {
                printText(status.run(), out);
                for (ClusterRunStatus.WaitingTask w : status.waiting()) {
                    out.println("task " + w.task() + ": " + w.reason());
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
        RunStatus status = RunStatus.of(RunDirectory.open(Path.of(target)));
        if (fmt.equals("json")) {
            out.println(status.toJson());
        } else {
            printText(status, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code text} or {@code json}, or an error naming the choices. */
    static String format(String output) {
        String fmt = output.toLowerCase(Locale.ROOT);
        if (!fmt.equals("text") && !fmt.equals("json")) {
            throw new InvalidInputException(List.of("--output '" + output + "' is not one of text, json"));
        }
        return fmt;
    }

    private static void printText(RunStatus s, PrintWriter out) {
        out.println("run " + s.id() + " (flow " + s.flow() + "): " + s.state());
        out.println("created " + s.createdAt() + (s.endedAt() == null ? "" : "  ended " + s.endedAt()));
        int w = Math.max(
                4, s.tasks().stream().mapToInt(t -> t.id().length()).max().orElse(4));
        out.println(String.format(
                Locale.ROOT,
                "%-" + w + "s  %-10s  %8s  %4s  %9s  %s",
                "TASK",
                "STATE",
                "ATTEMPTS",
                "EXIT",
                "DURATION",
                "ERROR"));
        for (TaskStatus t : s.tasks()) {
            out.println(String.format(
                    Locale.ROOT,
                    "%-" + w + "s  %-10s  %8d  %4s  %9s  %s",
                    t.id(),
                    t.state(),
                    t.attempts(),
                    t.exitCode() == null ? "-" : t.exitCode(),
                    duration(t),
                    t.failureMessage() == null ? "" : t.failureMessage()));
        }
        out.println(s.counts());
        for (SweepStatus sweep : s.sweeps()) {
            printSweep(sweep, out);
        }
    }

    /** {@code sweep train: partial, 24 tasks (20 succeeded, 4 failed)} and the failures grouped by pattern. */
    static void printSweep(SweepStatus sweep, PrintWriter out) {
        List<String> counts = new java.util.ArrayList<>();
        sweep.countsByState().forEach((state, n) -> counts.add(n + " " + state));
        String from = sweep.from().isEmpty() ? "" : ", expanded at run time from " + sweep.from();
        if (!sweep.expanded()) {
            out.println("sweep " + sweep.task() + ": " + sweep.state() + ", not expanded"
                    + (sweep.state().equals("failed") ? "" : " yet") + " (values from " + sweep.from() + ")");
        } else {
            out.println("sweep " + sweep.task() + ": " + sweep.state() + ", " + sweep.tasks() + " tasks"
                    + (counts.isEmpty() ? "" : " (" + String.join(", ", counts) + ")") + from);
        }
        for (SweepStatus.FailureGroup g : sweep.failures()) {
            String more = g.count() > g.tasks().size() ? ", ..." : "";
            out.println(
                    "  " + g.count() + " failed: " + g.example() + "  [" + String.join(", ", g.tasks()) + more + "]");
        }
    }

    private static String duration(TaskStatus t) {
        String a = t.startedAt();
        String b = t.endedAt();
        if (a == null || b == null) {
            return "-";
        }
        return ProgressView.format(Duration.between(Instant.parse(a), Instant.parse(b)));
    }
}
