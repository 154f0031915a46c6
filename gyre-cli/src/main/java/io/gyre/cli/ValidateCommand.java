package io.gyre.cli;

import io.gyre.api.Flow;
import io.gyre.core.FlowLoader;
import io.gyre.core.Plan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "validate",
        description = "Checks flow files without running them; reports every problem with file:line:col.")
final class ValidateCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FLOW.yaml")
    List<Path> flows = new ArrayList<>();

    @Override
    public Integer call() {
        int worst = ExitCodes.OK;
        for (Path file : flows) {
            try {
                FlowLoader.Loaded loaded = FlowLoader.loadWithWarnings(file);
                loaded.warnings().forEach(w -> err().println(w));
                Flow flow = loaded.flow();
                Plan plan = Plan.of(flow);
                out().println(file + ": ok (flow '" + flow.name() + "', " + plan.summary() + ")");
            } catch (RuntimeException e) {
                worst = Math.max(worst, ErrorReporter.report(e, err()));
            }
        }
        out().flush();
        err().flush();
        return worst;
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
