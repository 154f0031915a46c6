package io.gyre.cli;

import picocli.CommandLine.Command;

@Command(
        name = "gyre",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Gyre runs graphs of tasks, sweeps and single jobs, fast and reliably.",
        subcommands = {
            RunCommand.class,
            ValidateCommand.class,
            PlanCommand.class,
            StatusCommand.class,
            LogsCommand.class,
            SubmitCommand.class,
            CancelCommand.class,
            ServerCommand.class,
            OrchestratorCommand.class,
            WorkerCommand.class,
            PoolsCommand.class,
            ResultsCommand.class,
            ResultCommand.class,
            picocli.CommandLine.HelpCommand.class
        },
        footer = {"", "Exit codes: 0 success, 1 a task failed, 2 invalid input, 130 cancelled."})
final class GyreCommand implements Runnable {
    @SuppressWarnings("NullAway.Init") // injected by picocli before run()
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
