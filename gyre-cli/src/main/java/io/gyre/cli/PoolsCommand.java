package io.gyre.cli;

import io.gyre.core.PoolScaling;
import io.gyre.core.PoolStatus;
import io.gyre.core.RunClient;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "pools",
        description = {
            "Lists worker pools (a queue and label requirements) with queue depth, running attempts, live workers",
            "and the desired worker count clamp(ceil((depth + running) / factor), min, max)."
        })
final class PoolsCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--min", paramLabel = "N", description = "Fewest workers a pool keeps (default: 0).")
    int min = 0;

    @Option(names = "--max", paramLabel = "N", description = "Most workers a pool gets (default: 10).")
    int max = 10;

    @Option(names = "--factor", paramLabel = "N", description = "Attempts per worker (default: 1).")
    int factor = 1;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "text|json",
            description = "Output format (default: text).")
    String output = "text";

    @Override
    public Integer call() throws Exception {
        String fmt = StatusCommand.format(output);
        PoolScaling scaling = new PoolScaling(min, max, factor);
        InstantSource clock = InstantSource.system();
        Map<String, String> env = System.getenv();
        List<PoolStatus> pools;
        try (StoreConnection c = StoreConnection.open(store, env, clock, false, true);
                RunClient client = c.client(clock)) {
            pools = client.pools(scaling);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (fmt.equals("json")) {
            out.println(PoolStatus.toJson(pools));
        } else {
            out.println(String.format(
                    Locale.ROOT, "%-40s  %6s  %7s  %7s  %7s", "POOL", "DEPTH", "RUNNING", "WORKERS", "DESIRED"));
            for (PoolStatus p : pools) {
                out.println(String.format(
                        Locale.ROOT,
                        "%-40s  %6d  %7d  %7d  %7d",
                        p.describe(),
                        p.depth(),
                        p.running(),
                        p.workers().size(),
                        p.desiredWorkers()));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
