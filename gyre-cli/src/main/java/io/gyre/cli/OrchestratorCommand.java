package io.gyre.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "orchestrator",
        description = {
            "Drives submitted runs over a shared store until SIGTERM or Ctrl-C; tasks run on gyre workers.",
            "With --store embedded it uses the Redis a gyre server started on the same --data-dir."
        })
final class OrchestratorCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store = new StoreOptions();

    @Override
    public Integer call() throws InterruptedException {
        return ServerCommand.serve(spec, store, null, true, "orchestrator");
    }
}
