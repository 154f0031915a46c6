package io.gyre.cli;

import io.gyre.api.RunId;
import io.gyre.api.TaskId;
import io.gyre.core.LocalRun;
import io.gyre.core.Params;
import io.gyre.core.RunClient;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "submit",
        description = {
            "Validates a flow and submits it to a gyre server (or orchestrator) through the store; prints the run id.",
            "Invalid input starts nothing (exit 2). Follow the run with: gyre status RUN_ID --store URL"
        })
final class SubmitCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FLOW.yaml", description = "The flow file to submit.")
    @Nullable
    Path flow;

    @Mixin
    FlowSelection selection = new FlowSelection();

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Overrides a context entry for every task (repeatable).")
    List<String> sets = new ArrayList<>();

    @Mixin
    StoreOptions store = new StoreOptions();

    @Override
    public Integer call() {
        InstantSource clock = InstantSource.system();
        Map<String, String> env = System.getenv();
        Map<String, String> p = selection.parameters();
        Map<String, String> s = Params.parseAssignments(sets, "--set");
        List<TaskId> t = selection.targetIds();
        // Everything is validated before the store is touched: invalid input creates nothing anywhere.
        LocalRun.Prepared prepared = LocalRun.prepare(
                java.util.Objects.requireNonNull(flow),
                new LocalRun.Options(p, s, t, 1),
                env,
                clock,
                new SplittableRandom());
        PrintWriter err = spec.commandLine().getErr();
        prepared.warnings().forEach(err::println);
        err.flush();
        try (StoreConnection c = StoreConnection.open(store, env, clock, false, true);
                RunClient client = c.client(clock)) {
            RunId id = client.submit(prepared);
            PrintWriter out = spec.commandLine().getOut();
            out.println(id);
            out.flush();
        }
        return ExitCodes.OK;
    }
}
