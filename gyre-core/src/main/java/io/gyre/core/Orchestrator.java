package io.gyre.core;

import io.gyre.api.ClusterRegistry;
import io.gyre.api.EventListener;
import io.gyre.api.GyreException;
import io.gyre.api.Membership;
import io.gyre.api.NotFoundException;
import io.gyre.api.OrchestratorId;
import io.gyre.api.RunFence;
import io.gyre.api.RunId;
import io.gyre.api.StateQueries;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
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
import org.jspecify.annotations.Nullable;

/**
 * The orchestrator half of Gyre as its own process, one of any number over a shared store (ADR 0011, ADR 0012).
 * It joins the store's {@link Membership} through a {@link RunOwnership}, which is the one place deciding which
 * runs it drives: the runs that are not final and hash to this member among the live ones. Each run it is
 * granted (a new submission, or a run whose orchestrator died or stopped) is rebuilt from its run directory in
 * the shared data directory ({@link LocalRun#specOf}) and from its task records in the store, and driven by an
 * adopted {@link RunDriver} writing through the run's fenced view, with one {@link InboxTaker} for its
 * completions. A run it loses (a member joined) is abandoned without writing; a driver that stops on a store
 * failure or a fence is forgotten, so the next ownership pass claims the run again if it is still this one's.
 * A {@link LeaseReaper} hands the attempts of dead workers back to their queues (every orchestrator reaps; the
 * store makes each reap atomic).
 *
 * <p>The cluster registry is only told about runs (announced for {@code gyre pools}, retired when they end) and
 * read for cancel requests, which are passed to the drivers here on every scan, so a run being cancelled when its
 * orchestrator died is cancelled by the next one too.
 */
public final class Orchestrator implements AutoCloseable {
    /** How often new active runs and cancel requests are looked at. */
    static final Duration SCAN_EVERY = Duration.ofMillis(200);

    /** How long a run whose directory cannot be found is left before it is claimed and looked for again. */
    private static final Duration MISSING_RETRY = Duration.ofSeconds(2);

    /** Scans between two passes that retire announced runs which have ended. */
    private static final int RETIRE_EVERY = 5;

    /**
     * @param id this orchestrator's member id; a restarted process may reuse it (its epoch grows)
     * @param memberTtl how long this orchestrator keeps its runs without a heartbeat: survivors adopt them after
     *     it (plus up to a third of it); heartbeats go every third
     * @param runsDir the shared directory holding run directories ({@code <runsDir>/<run-id>/flow.yaml, run.json,
     *     ...}), written by {@code gyre submit} and by the journals of whoever drives the run
     * @param environment what {@code ${env.X}} macros resolve against when a task becomes ready
     * @param watcher more listeners for each driven run's events (the live results view)
     */
    public record Config(
            OrchestratorId id, Duration memberTtl, Path runsDir, Map<String, String> environment, RunWatcher watcher) {
        public Config(OrchestratorId id, Duration memberTtl, Path runsDir, Map<String, String> environment) {
            this(id, memberTtl, runsDir, environment, RunWatcher.NONE);
        }

        public Config {
            environment = Map.copyOf(environment);
            if (memberTtl.toMillis() < 3) {
                throw new GyreException("the orchestrator ttl must be at least 3 ms, not " + memberTtl);
            }
        }
    }

    private final StateStore store;
    private final Membership membership;
    private final StateQueries queries;
    private final ClusterRegistry registry;
    private final Config config;
    private final InstantSource clock;
    private final Consumer<String> log;
    private final ScheduledExecutorService timers;
    private final SplittableRandom random = new SplittableRandom();
    private final Map<RunId, Driven> drivers = new ConcurrentHashMap<>();
    private final Set<RunId> missingReported = ConcurrentHashMap.newKeySet();
    private final LeaseReaper reaper;
    private final ScheduledFuture<?> scans;
    private final RunOwnership ownership;
    private int scanCount;
    private Set<RunId> knownActive = Set.of();
    private volatile boolean closed;

    private Orchestrator(
            StateStore store,
            StateQueries queries,
            ClusterRegistry registry,
            Config config,
            InstantSource clock,
            Consumer<String> log) {
        if (!(store instanceof Membership m)) {
            throw new GyreException("an orchestrator needs a store with membership (in-memory or Redis)");
        }
        this.store = store;
        this.membership = m;
        this.queries = queries;
        this.registry = registry;
        this.config = config;
        this.clock = clock;
        this.log = log;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
            Thread th = new Thread(r, "gyre-orchestrator");
            th.setDaemon(true);
            return th;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.timers = pool;
        this.reaper = new LeaseReaper(store, clock, timers, Duration.ofSeconds(1), this::pump);
        this.ownership = RunOwnership.manual(membership, config.id(), config.memberTtl(), new Driving());
        long every = Math.max(1, config.memberTtl().toMillis() / 3);
        timers.scheduleWithFixedDelay(this::ownershipPass, 0, every, TimeUnit.MILLISECONDS);
        this.scans = timers.scheduleWithFixedDelay(this::scanSafely, 0, SCAN_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts an orchestrator: it joins the membership at once and drives the runs it owns until closed. */
    public static Orchestrator start(
            StateStore store,
            StateQueries queries,
            ClusterRegistry registry,
            Config config,
            InstantSource clock,
            Consumer<String> log) {
        return new Orchestrator(store, queries, registry, config, clock, log);
    }

    public OrchestratorId id() {
        return config.id();
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

    private void ownershipPass() {
        if (closed) {
            return;
        }
        try {
            ownership.tick();
        } catch (RuntimeException e) {
            // The next pass tries again; a ttl without a successful pass lets this member lapse, which is safe.
            log.accept("gyre orchestrator " + config.id() + ": membership pass failed, trying again: " + e);
        }
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            log.accept("gyre orchestrator: scan failed, trying again: " + e);
        }
    }

    /**
     * One pass: run an ownership pass at once if a run became active since the last scan (so a submitted run
     * starts within a scan, not within a third of the ttl), pass cancel requests to the drivers, and now and then
     * retire announced runs that have ended.
     */
    void scan() {
        if (closed) {
            return;
        }
        Set<RunId> active = new HashSet<>(membership.activeRuns());
        boolean fresh = !knownActive.containsAll(active);
        knownActive = active;
        if (fresh) {
            ownershipPass();
        }
        registry.cancelRequests().forEach((run, reason) -> {
            Driven d = drivers.get(run);
            if (d != null) {
                d.driver.cancel(reason);
            }
        });
        if (++scanCount % RETIRE_EVERY == 0) {
            retireEnded(active);
        }
    }

    /**
     * Retires announced runs that are no longer active: their driver ended them, but the process died before it
     * retired them. A run is created (and active) before it is announced, so an announced run that is not active
     * has ended or is gone.
     */
    private void retireEnded(Set<RunId> active) {
        for (RunId run : registry.announcedRuns()) {
            if (active.contains(run) || drivers.containsKey(run)) {
                continue;
            }
            try {
                if (!store.run(run).state().isFinal()) {
                    continue; // became active between the two reads
                }
            } catch (NotFoundException gone) {
                // nothing in the store: nothing to drive
            }
            registry.retireRun(run);
        }
    }

    /** What the ownership pass does with a run it gained or lost. */
    private final class Driving implements RunOwnership.Driving {
        @Override
        public void adopt(RunFence fence) {
            drive(fence);
        }

        @Override
        public void release(RunId run) {
            Driven d = drivers.get(run);
            if (d != null) {
                d.driver.abandon("another orchestrator owns run " + run + " now");
            }
        }
    }

    private void drive(RunFence fence) {
        RunId id = fence.run();
        Path path = config.runsDir().resolve(id.value());
        if (!Files.isDirectory(path)) {
            if (missingReported.add(id)) {
                log.accept("gyre orchestrator: run " + id + " has no run directory at " + path
                        + "; is --data-dir the same shared directory gyre submit used? Looking again every "
                        + MISSING_RETRY.toSeconds() + " s");
            }
            timers.schedule(() -> ownership.lost(fence), MISSING_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        missingReported.remove(id);
        RunDirectory dir = RunDirectory.open(path);
        RunInfo info = dir.readRun();
        RunSpec spec = LocalRun.specOf(dir, info, config.environment(), random);
        TaskResolver routed =
                (run, task, upstream) -> QueueRouting.routed(spec.resolver().resolve(run, task, upstream));
        StateStore fenced = membership.fenced(fence);
        RunDriver driver = new RunDriver(
                spec.plan(),
                id,
                fenced,
                routed,
                spec.fanOutFiles(),
                clock,
                timers,
                random,
                r -> registry.requestCancel(r, "run cancelled"),
                true);
        RunJournal journal =
                RunJournal.continuing(dir, store, info, (after, limit) -> queries.events(id, after, limit));
        List<AutoCloseable> subscriptions = new ArrayList<>();
        subscriptions.add(queries.subscribe(id, journal));
        try {
            Set<TaskId> contributing = new HashSet<>();
            for (TaskRecord t : store.tasks(id)) {
                if (t.state() != TaskState.FAILED) {
                    contributing.add(t.id());
                }
            }
            for (EventListener l : config.watcher().watch(id, spec.plan().flow(), path, contributing)) {
                if (l instanceof AutoCloseable c) {
                    subscriptions.add(c);
                }
                subscriptions.add(queries.subscribe(id, l));
            }
        } catch (RuntimeException e) {
            // The store went away during the take-over: undo the subscriptions; the next pass claims it again.
            closeAll(id, subscriptions);
            journal.close();
            throw e;
        }
        Driven driven = new Driven(driver, journal, subscriptions);
        Driven before = drivers.put(id, driven);
        if (before != null) {
            before.driver.abandon("run " + id + " was claimed again");
        }
        java.time.Instant adoptedAt = clock.instant();
        // not on the thread that ended the driver (often a worker slot): closing the results view writes files
        driver.done().whenCompleteAsync((last, failure) -> finish(fence, driven, failure), timers);
        driver.start();
        Thread taker = InboxTaker.start(fenced, driver);
        driver.done().whenComplete((last, failure) -> taker.interrupt());
        registry.announceRun(id); // repairs a submit that stopped between creating and announcing the run
        log.accept("gyre orchestrator " + config.id() + ": driving run " + id + " (fence " + fence.token() + ", "
                + Duration.between(adoptedAt, clock.instant()).toMillis() + " ms to rebuild)");
    }

    private void finish(RunFence fence, Driven d, @Nullable Throwable failure) {
        RunId id = fence.run();
        closeAll(id, d.subscriptions);
        try {
            d.journal.close();
        } catch (GyreException e) {
            log.accept("gyre orchestrator: " + e.getMessage());
        }
        drivers.remove(id, d);
        if (failure == null) {
            try {
                registry.retireRun(id);
            } catch (RuntimeException e) {
                // the retire pass of any orchestrator retires it later
            }
        } else if (!closed) {
            log.accept("gyre orchestrator " + config.id() + ": " + failure.getMessage()); // names the run
        }
        // Forget the claim: if the run still needs a driver and is still ours (the driver stopped on a store
        // failure), the next ownership pass claims it again and rebuilds it from the store.
        ownership.lost(fence);
    }

    /**
     * Stops driving and leaves the membership, so the survivors adopt this orchestrator's runs at once; runs in
     * flight stay as the store has them.
     */
    @Override
    public void close() {
        closed = true;
        scans.cancel(false);
        reaper.close();
        try {
            ownership.close();
        } catch (RuntimeException e) {
            log.accept("gyre orchestrator: leaving the membership failed (it lapses by itself): " + e);
        }
        for (Driven d : drivers.values()) {
            d.driver.abandon("the orchestrator stopped");
        }
        timers.shutdown();
        try {
            timers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
    }

    /** Closes subscriptions (before the listeners they feed, which are later in the list) in reverse order. */
    private void closeAll(RunId id, List<AutoCloseable> subscriptions) {
        for (int i = subscriptions.size() - 1; i >= 0; i--) {
            try {
                subscriptions.get(i).close();
            } catch (Exception e) {
                log.accept("gyre orchestrator: closing a listener of run " + id + " failed: " + e);
            }
        }
    }

    /** A driven run: its driver, its journal, and the subscriptions and listeners to close when driving stops. */
    private record Driven(RunDriver driver, RunJournal journal, List<AutoCloseable> subscriptions) {}
}
