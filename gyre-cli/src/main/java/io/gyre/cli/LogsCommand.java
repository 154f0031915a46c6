package io.gyre.cli;

import io.gyre.api.GyreException;
import io.gyre.api.TaskId;
import io.gyre.core.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        mixinStandardHelpOptions = true,
        name = "logs",
        description =
                "Prints a task's output (stdout by default) from a run directory, or of a submitted run with --store.")
final class LogsCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @picocli.CommandLine.Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "RUN_DIR|RUN_ID",
            description = "A run directory; or, with --store or $GYRE_STORE, a submitted run's id.")
    @Nullable
    String run;

    @picocli.CommandLine.Mixin
    StoreOptions store = new StoreOptions();

    @Parameters(index = "1", paramLabel = "TASK")
    @Nullable
    String task;

    @Option(names = "--stderr", description = "Prints stderr.log instead of stdout.log.")
    boolean stderr;

    @Override
    public Integer call() throws IOException {
        String target = java.util.Objects.requireNonNull(run);
        TaskId id = TaskIds.parse(java.util.Objects.requireNonNull(task));
        java.util.Map<String, String> env = System.getenv();
        if (store.chosen(env)) {
            java.time.InstantSource clock = java.time.InstantSource.system();
            try (StoreConnection c = StoreConnection.open(store, env, clock, false, true);
                    io.gyre.core.RunClient client = c.client(clock)) {
                client.copyLog(
                        CancelCommand.runId(target),
                        id,
                        stderr,
                        spec.commandLine().getOut());
            }
            return ExitCodes.OK;
        }
        RunDirectory dir = RunDirectory.open(Path.of(target));
        if (!Files.isDirectory(dir.taskDir(id))) {
            throw new GyreException("task '" + id + "' has not run in " + dir.path() + " (see 'gyre status "
                    + dir.path() + "' for its tasks)");
        }
        Path file = stderr ? dir.stderr(id) : dir.stdout(id);
        if (!Files.exists(file)) {
            return ExitCodes.OK;
        }
        java.io.PrintWriter out = spec.commandLine().getOut();
        try (java.io.Reader in = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            in.transferTo(out);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
