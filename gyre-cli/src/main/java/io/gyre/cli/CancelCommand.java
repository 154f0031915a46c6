package io.gyre.cli;

import io.gyre.api.GyreException;
import io.gyre.api.RunId;
import io.gyre.core.RunClient;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "cancel",
        description = "Asks the orchestrator driving a submitted run to cancel it: running tasks are stopped.")
final class CancelCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN_ID", description = "The id gyre submit printed.")
    @Nullable
    String run;

    @Mixin
    StoreOptions store = new StoreOptions();

    @Override
    public Integer call() {
        RunId id = runId(java.util.Objects.requireNonNull(run));
        InstantSource clock = InstantSource.system();
        Map<String, String> env = System.getenv();
        try (StoreConnection c = StoreConnection.open(store, env, clock, false, true);
                RunClient client = c.client(clock)) {
            client.cancel(id, "cancelled with gyre cancel");
        }
        spec.commandLine().getOut().println("cancel requested for run " + id);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    static RunId runId(String text) {
        try {
            return RunId.of(text);
        } catch (GyreException e) {
            throw new GyreException("'" + text + "' is not a run id (" + e.getMessage() + ")", e);
        }
    }
}
