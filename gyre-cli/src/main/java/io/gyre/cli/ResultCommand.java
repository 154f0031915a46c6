package io.gyre.cli;

import picocli.CommandLine.Command;

@Command(
        mixinStandardHelpOptions = true,
        name = "result",
        description = "Publishes result snapshots from inside a task (see 'gyre result put --help').",
        subcommands = {ResultPutCommand.class})
final class ResultCommand implements Runnable {
    @SuppressWarnings("NullAway.Init") // injected by picocli before run()
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
