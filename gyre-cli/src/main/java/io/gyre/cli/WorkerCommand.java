package io.gyre.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "worker",
        description = {
            "Runs tasks from the store's queues until SIGTERM or Ctrl-C, then lets running tasks finish for --grace",
            "seconds and hands the rest back to their queues (exit 0). Logs go to --data-dir/runs/<run-id>/tasks/."
        })
final class WorkerCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    WorkerOptions worker = new WorkerOptions();

    @Mixin
    LivenessOptions liveness = new LivenessOptions();

    @Override
    public Integer call() throws InterruptedException {
        return ServerCommand.serve(spec, store, liveness, worker, null, "worker");
    }
}
