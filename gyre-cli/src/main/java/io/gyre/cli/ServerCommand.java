package io.gyre.cli;

import io.gyre.core.Executors;
import io.gyre.core.ObjectStores;
import io.gyre.core.Orchestrator;
import io.gyre.core.Worker;
import io.gyre.results.ResultsExecutor;
import io.gyre.results.ResultsView;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        mixinStandardHelpOptions = true,
        name = "server",
        description = {
            "Runs an orchestrator and, unless --no-worker, a worker in this process until SIGTERM or Ctrl-C.",
            "With --store embedded (the default) it starts a bundled Redis persisting under --data-dir/redis."
        })
final class ServerCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    WorkerOptions worker = new WorkerOptions();

    @Mixin
    LivenessOptions liveness = new LivenessOptions();

    @Option(names = "--no-worker", description = "Runs only the orchestrator: tasks run on separate gyre workers.")
    boolean noWorker;

    @Override
    public Integer call() throws InterruptedException {
        return serve(spec, store, liveness, noWorker ? null : worker, worker.id(), "server");
    }

    /** Runs an orchestrator and/or a worker until a stop signal; exits 0 after a graceful stop. */
    /**
     * Runs an orchestrator (named {@code orchestratorId}, unless null) and/or a worker until a stop signal; exits 0
     * after a graceful stop.
     */
    static int serve(
            CommandSpec spec,
            StoreOptions store,
            LivenessOptions liveness,
            @Nullable WorkerOptions workerOptions,
            @Nullable String orchestratorId,
            String what)
            throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> env = System.getenv();
        InstantSource clock = InstantSource.system();
        Duration ttl = liveness.ttl();
        Worker.Config config = workerOptions == null
                ? null
                : workerOptions.config(store.dataDir(env).resolve("runs"), ttl);
        Orchestrator.Config orchestration = orchestratorId == null
                ? null
                : new Orchestrator.Config(
                        WorkerOptions.orchestratorId(orchestratorId),
                        ttl,
                        store.dataDir(env).resolve("runs"),
                        env,
                        // the live merged results of every driven run, written into its run directory
                        (run, flow, runDir, succeeded) ->
                                List.of(ResultsView.resume(run, flow, ObjectStores.directory(runDir), succeeded)));
        CountDownLatch stop = Signals.onStop(what);
        java.util.function.Consumer<String> log = line -> {
            synchronized (err) {
                err.println(line);
                err.flush();
            }
        };
        Path runsDir = store.dataDir(env).resolve("runs");
        ScheduledThreadPoolExecutor inboxTimer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gyre-results-inbox");
            t.setDaemon(true);
            return t;
        });
        try (StoreConnection c =
                        StoreConnection.open(store, env, clock, what.equals("server"), !what.equals("server"));
                // what tasks write into $GYRE_RESULTS_DIR is stored in their run directory and announced
                ResultsExecutor executor = new ResultsExecutor(
                        Executors.localProcess(),
                        c.store,
                        run -> ObjectStores.directory(runsDir.resolve(run.value())),
                        clock,
                        inboxTimer)) {
            Orchestrator orchestrator = orchestration != null
                    ? Orchestrator.start(c.store, c.queries, c.registry, orchestration, clock, log)
                    : null;
            Worker w = null;
            try {
                if (config != null) {
                    Orchestrator o = orchestrator;
                    w = Worker.start(
                            c.store,
                            c.registry,
                            executor,
                            config,
                            clock,
                            run -> {
                                if (o != null) {
                                    o.pump(run);
                                }
                            },
                            log);
                }
                log.accept("gyre " + what + ": store " + c.shown + ", data " + c.dataDir
                        + (orchestrator == null ? "" : "; orchestrator " + orchestrator.id())
                        + (config == null
                                ? ""
                                : "; worker " + config.id() + " serving " + config.queues()
                                        + (config.labels().isEmpty() ? "" : " with labels " + config.labels())
                                        + ", " + config.slots() + " slots")
                        + "; ready");
                stop.await();
            } finally {
                if (w != null) {
                    w.shutdown();
                }
                if (orchestrator != null) {
                    orchestrator.close();
                }
            }
        } finally {
            inboxTimer.shutdownNow();
        }
        log.accept("gyre " + what + ": stopped");
        return ExitCodes.OK;
    }
}
