package io.gyre.cli;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "orchestrator",
        description = {
            "Drives submitted runs over a shared store until SIGTERM or Ctrl-C; tasks run on gyre workers. Any number",
            "of orchestrators may share a store: each run is driven by one of them, and the runs of one that stops",
            "or dies (no heartbeat for --lease-ttl) are adopted by the others.",
            "With --store embedded it uses the Redis a gyre server started on the same --data-dir."
        })
final class OrchestratorCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    LivenessOptions liveness = new LivenessOptions();

    @Option(
            names = "--name",
            paramLabel = "ID",
            description = "This orchestrator's member id (default: <host>-<pid>); a restart may reuse it.")
    @Nullable
    String name;

    @Override
    public Integer call() throws InterruptedException {
        return ServerCommand.serve(
                spec, store, liveness, null, name != null ? name : WorkerOptions.defaultName(), "orchestrator");
    }
}
