package io.gyre.cli;

import io.gyre.api.RunRecord;
import io.gyre.api.TaskId;
import io.gyre.core.Executors;
import io.gyre.core.InvalidInputException;
import io.gyre.core.LocalRun;
import io.gyre.core.Params;
import io.gyre.core.RunDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "run",
        description = {
            "Runs a flow in this process into a run directory (runs/<run-id>/), or resumes one.",
            "Exit 0 when every task succeeded, 1 when a task failed, 2 on invalid input, 130 when cancelled."
        })
final class RunCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FLOW.yaml", description = "The flow file to run.")
    @Nullable
    Path flow;

    @picocli.CommandLine.Mixin
    FlowSelection selection = new FlowSelection();

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Overrides a context entry for every task (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--parallel",
            paramLabel = "N",
            description = "Attempts running at once (default: the number of cores).")
    int parallel = Runtime.getRuntime().availableProcessors();

    @Option(
            names = "--runs-dir",
            paramLabel = "DIR",
            description = "Where run directories are created (default: ./runs).")
    Path runsDir = Path.of("runs");

    @Option(
            names = "--resume",
            paramLabel = "RUN_DIR",
            description = "Continues a failed or cancelled run: succeeded tasks are kept.")
    @Nullable
    Path resume;

    @Option(
            names = "--progress",
            paramLabel = "auto|live|plain|none",
            description = "Progress display (default: auto).")
    String progress = "auto";

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (parallel < 1) {
            throw new InvalidInputException(List.of("--parallel must be at least 1, not " + parallel));
        }
        Path resumeDir = resume;
        Path flowFile = flow;
        if ((resumeDir == null) == (flowFile == null)) {
            throw new InvalidInputException(
                    List.of("give either a flow file (gyre run FLOW.yaml) or --resume RUN_DIR, not "
                            + (flowFile == null ? "neither" : "both")));
        }
        InstantSource clock = InstantSource.system();
        SplittableRandom random = new SplittableRandom();
        ProgressView view = ProgressView.create(progress, err, clock);
        // Installed before the run exists: a Ctrl-C during start-up cancels the run as soon as it is there.
        java.util.concurrent.atomic.AtomicReference<LocalRun> current =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Signals.onInterrupt(() -> {
            interrupted.set(true);
            LocalRun live = current.get();
            if (live != null) {
                live.handle().cancel("interrupted");
            }
        });
        LocalRun run;
        LiveResults results;
        if (resumeDir != null) {
            if (!selection.isEmpty() || !sets.isEmpty()) {
                throw new InvalidInputException(List.of("--resume keeps the run's parameters, overrides and targets; "
                        + "drop -p, --set and --target"));
            }
            RunDirectory.open(resumeDir).lock().close(); // refuse a live run before reading its results
            results = LiveResults.forResume(resumeDir, clock, err);
            try {
                run = LocalRun.resume(
                        resumeDir,
                        parallel,
                        results.executor(Executors.localProcess()),
                        System.getenv(),
                        clock,
                        random,
                        List.of(view, results.listener()));
            } catch (RuntimeException e) {
                results.close();
                throw e;
            }
        } else {
            Map<String, String> p = selection.parameters();
            Map<String, String> s = Params.parseAssignments(sets, "--set");
            List<TaskId> t = selection.targetIds();
            LocalRun.Prepared prepared =
                    LocalRun.prepare(flowFile, new LocalRun.Options(p, s, t, parallel), System.getenv(), clock, random);
            prepared.warnings().forEach(err::println);
            err.flush();
            results = LiveResults.forNew(prepared.id(), prepared.plan().flow(), runsDir, clock, err);
            try {
                run = LocalRun.start(
                        prepared,
                        runsDir,
                        parallel,
                        results.executor(Executors.localProcess()),
                        clock,
                        List.of(view, results.listener()));
            } catch (RuntimeException e) {
                results.close();
                throw e;
            }
        }
        view.showResults(results::current);
        try (run;
                view;
                results) {
            view.begin(run);
            current.set(run);
            if (interrupted.get()) {
                run.handle().cancel("interrupted");
            }
            RunRecord last = run.await();
            results.close();
            view.finish(last, results.current(), results.directory());
            out.println(run.directory().path());
            return switch (last.state()) {
                case SUCCEEDED -> ExitCodes.OK;
                case FAILED -> ExitCodes.FAILED;
                case CANCELLED -> ExitCodes.CANCELLED;
                case PENDING, RUNNING -> ExitCodes.INTERNAL;
            };
        }
    }
}
