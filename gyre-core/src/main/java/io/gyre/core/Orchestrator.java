package io.gyre.core;

import io.gyre.api.ClusterRegistry;
import io.gyre.api.Completion;
import io.gyre.api.GyreException;
import io.gyre.api.NotFoundException;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.StateQueries;
import io.gyre.api.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The orchestrator half of Gyre as its own process: it picks up runs announced in the {@link ClusterRegistry},
 * rebuilds each one's plan from its run directory in the shared data directory, and drives it with a
 * {@link RunDriver} over the shared store, while a {@link LeaseReaper} hands the attempts of dead workers back
 * to their queues. Workers run in other processes ({@link Worker}); their completions reach the driver through
 * the run's inbox, which a waiter per driven run blocks on.
 *
 * <p>Which runs this process drives is decided in one place, {@link #runsToDrive}: today every announced run it
 * does not drive yet (one orchestrator per store). Membership with hash ownership replaces that method.
 */
public final class Orchestrator implements AutoCloseable {
    /** How often announced runs and cancel requests are looked at. */
    static final Duration SCAN_EVERY = Duration.ofMillis(200);

    private static final int BATCH = 512;

    private final StateStore store;
    private final StateQueries queries;
    private final ClusterRegistry registry;
    private final Path runsDir;
    private final InstantSource clock;
    private final Map<String, String> environment;
    private final Consumer<String> log;
    private final ScheduledExecutorService timers;
    private final SplittableRandom random = new SplittableRandom();
    private final Map<RunId, Driven> drivers = new ConcurrentHashMap<>();
    private final Set<RunId> skipped = ConcurrentHashMap.newKeySet();
    private final LeaseReaper reaper;
    private final ScheduledFuture<?> scans;
    private volatile boolean closed;

    private Orchestrator(
            StateStore store,
            StateQueries queries,
            ClusterRegistry registry,
            Path runsDir,
            InstantSource clock,
            Map<String, String> environment,
            Consumer<String> log) {
        this.store = store;
        this.queries = queries;
        this.registry = registry;
        this.runsDir = runsDir;
        this.clock = clock;
        this.environment = Map.copyOf(environment);
        this.log = log;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
            Thread th = new Thread(r, "gyre-orchestrator");
            th.setDaemon(true);
            return th;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.timers = pool;
        this.reaper = new LeaseReaper(store, clock, timers, Duration.ofSeconds(1), this::pump);
        this.scans = timers.scheduleWithFixedDelay(this::scanSafely, 0, SCAN_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts an orchestrator.
     *
     * @param runsDir the shared directory holding run directories ({@code <runsDir>/<run-id>/flow.yaml, run.json,
     *     ...}), written by {@code gyre submit} and by this orchestrator's journals
     * @param environment what {@code ${env.X}} macros resolve against when a task becomes ready
     * @param log where notices go (a run it cannot drive, a store failure)
     */
    public static Orchestrator start(
            StateStore store,
            StateQueries queries,
            ClusterRegistry registry,
            Path runsDir,
            InstantSource clock,
            Map<String, String> environment,
            Consumer<String> log) {
        return new Orchestrator(store, queries, registry, runsDir, clock, environment, log);
    }

    /** Runs this orchestrator drives now. */
    public Set<RunId> driving() {
        return Set.copyOf(drivers.keySet());
    }

    /** Tells the driver of {@code run} (if here) that completions may be waiting; an in-process worker calls it. */
    public void pump(RunId run) {
        Driven d = drivers.get(run);
        if (d != null) {
            d.driver.pump();
        }
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            log.accept("gyre orchestrator: scan failed, trying again: " + e);
        }
    }

    /** One pass: drive newly announced runs, pass cancel requests to the drivers. */
    void scan() {
        if (closed) {
            return;
        }
        for (RunId run : runsToDrive(registry.announcedRuns())) {
            drive(run);
        }
        registry.cancelRequests().forEach((run, reason) -> {
            Driven d = drivers.get(run);
            if (d != null) {
                d.driver.cancel(reason);
            }
        });
    }

    /**
     * The single place deciding which announced runs this process drives: every one it does not drive yet and
     * has not given up on. With several orchestrators, membership narrows this to the runs hashed to this one.
     */
    List<RunId> runsToDrive(List<RunId> announced) {
        List<RunId> mine = new ArrayList<>();
        for (RunId r : announced) {
            if (!drivers.containsKey(r) && !skipped.contains(r)) {
                mine.add(r);
            }
        }
        return mine;
    }

    private void drive(RunId id) {
        RunRecord record;
        try {
            record = store.run(id);
        } catch (NotFoundException e) {
            return; // announced a moment before its records were written, or by a submit that then failed
        }
        if (record.state().isFinal()) {
            registry.retireRun(id);
            return;
        }
        if (record.state() != RunState.PENDING) {
            skipped.add(id);
            log.accept("gyre orchestrator: run " + id + " is " + record.state().wireName()
                    + " but no orchestrator in this process drives it (its orchestrator stopped); adopting a run in"
                    + " flight needs orchestrator membership, so it is left as it is");
            return;
        }
        Path path = runsDir.resolve(id.value());
        if (!Files.isDirectory(path)) {
            skipped.add(id);
            log.accept("gyre orchestrator: run " + id + " has no run directory at " + path
                    + "; is --data-dir the same shared directory gyre submit used?");
            return;
        }
        RunDirectory dir = RunDirectory.open(path);
        RunInfo info = dir.readRun();
        RunSpec spec = LocalRun.specOf(dir, info, environment, random);
        TaskResolver routed =
                (run, task, upstream) -> QueueRouting.routed(spec.resolver().resolve(run, task, upstream));
        RunDriver driver = new RunDriver(
                spec.plan(),
                id,
                store,
                routed,
                spec.fanOutFiles(),
                clock,
                timers,
                random,
                r -> registry.requestCancel(r, "run cancelled"));
        RunJournal journal = new RunJournal(dir, store, info, 0);
        AutoCloseable subscription = queries.subscribe(id, journal);
        Driven driven = new Driven(driver, journal, subscription);
        drivers.put(id, driven);
        driver.done().whenComplete((last, failure) -> {
            if (failure != null) {
                log.accept("gyre orchestrator: run " + id + " stopped: " + failure);
            }
            finish(id, driven, failure == null);
        });
        driver.start();
        startWaiter(driven, id);
    }

    /** Blocks on the run's inbox (no polling) and hands what arrives to its driver. */
    private void waitForCompletions(Driven d, RunId id) {
        while (!closed && !d.driver.done().isDone()) {
            try {
                List<Completion> batch = store.takeCompletions(id, BATCH, Duration.ofSeconds(1));
                d.driver.deliver(batch);
            } catch (RuntimeException e) {
                if (closed || d.driver.done().isDone()) {
                    return;
                }
                log.accept("gyre orchestrator: waiting for completions of run " + id + " failed, retrying: " + e);
                // a store hiccup: wait on a timer, not a sleep; the inbox keeps what arrives meanwhile
                timers.schedule(() -> startWaiter(d, id), 200, TimeUnit.MILLISECONDS);
                return;
            }
        }
    }

    private void startWaiter(Driven d, RunId id) {
        Thread.ofVirtual().name("gyre-inbox-" + id).start(() -> waitForCompletions(d, id));
    }

    private void finish(RunId id, Driven d, boolean ended) {
        try {
            d.subscription.close();
        } catch (Exception e) {
            log.accept("gyre orchestrator: closing the event subscription of run " + id + " failed: " + e);
        }
        try {
            d.journal.close();
        } catch (GyreException e) {
            log.accept("gyre orchestrator: " + e.getMessage());
        }
        drivers.remove(id);
        if (ended) {
            registry.retireRun(id);
        }
    }

    /** Stops driving (runs in flight stay as the store has them) and stops the reaper. */
    @Override
    public void close() {
        closed = true;
        scans.cancel(false);
        reaper.close();
        for (Map.Entry<RunId, Driven> e : drivers.entrySet()) {
            try {
                e.getValue().subscription.close();
            } catch (Exception ignored) {
                // closing anyway
            }
            e.getValue().journal.close();
        }
        timers.shutdownNow();
    }

    private record Driven(RunDriver driver, RunJournal journal, AutoCloseable subscription) {}
}
