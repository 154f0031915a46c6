package io.gyre.cli;

import io.gyre.api.Flow;
import io.gyre.core.FlowLoader;
import io.gyre.core.Params;
import io.gyre.core.Plan;
import io.gyre.core.PlanFormat;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "plan",
        description = "Shows the graph a flow would run (tasks, dependencies, levels) without running it.")
final class PlanCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FLOW.yaml")
    @Nullable
    Path flow;

    @Option(names = "--format", paramLabel = "text|json|mermaid|dot", description = "Output format (default: text).")
    String format = "text";

    @picocli.CommandLine.Mixin
    FlowSelection selection = new FlowSelection();

    @Override
    public Integer call() {
        PlanFormat f = PlanFormat.parse(format);
        FlowLoader.Loaded read = FlowLoader.loadWithWarnings(java.util.Objects.requireNonNull(flow));
        java.io.PrintWriter err = spec.commandLine().getErr();
        read.warnings().forEach(err::println);
        err.flush();
        Flow loaded = read.flow();
        Params.bind(loaded, selection.parameters());
        Plan plan = Plan.of(loaded);
        if (!selection.targets.isEmpty()) {
            plan = plan.closure(selection.targetIds());
        }
        java.io.PrintWriter out = spec.commandLine().getOut();
        out.print(f.render(plan));
        out.flush();
        return ExitCodes.OK;
    }
}
