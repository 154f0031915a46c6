package io.gyre.core;

import io.gyre.api.ClusterRegistry;
import io.gyre.api.Executor;
import io.gyre.api.GyreException;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.api.StateStore;
import io.gyre.api.TaskLaunch;
import io.gyre.api.WorkItem;
import io.gyre.api.WorkerId;
import io.gyre.api.WorkerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The worker half of Gyre as its own process: slots that claim work items from the store's queues (the routed
 * sub-queues of {@link QueueRouting}, so only items whose label requirements this worker meets), run them with
 * the executor in their run's directory under the shared data directory, and complete them with the lease's
 * token. It beats in the {@link ClusterRegistry} with its queues, labels and running attempts, and watches cancel
 * requests so a cancelled run's attempts stop here too.
 *
 * <p>A work item is fully resolved by the orchestrator, so a worker needs no plan: only the run's directory for
 * the attempt's files, opened once per run and cached.
 */
public final class Worker implements AutoCloseable {
    private static final Duration CANCEL_WATCH = Duration.ofMillis(500);
    private static final int DIRECTORY_CACHE = 1024;

    /**
     * @param queues the queues served (tasks without {@code queue:} are in {@code default})
     * @param labels what this worker offers; a task requiring labels runs only on a worker offering all of them
     * @param grace how long a stopping worker lets running attempts finish before handing them back
     */
    public record Config(
            WorkerId id,
            List<QueueName> queues,
            Map<String, String> labels,
            int slots,
            Duration leaseTtl,
            Duration grace,
            Path runsDir) {
        public Config {
            queues = List.copyOf(queues);
            labels = Map.copyOf(labels);
            if (queues.isEmpty()) {
                throw new GyreException("a worker serves at least one queue");
            }
            if (slots < 1) {
                throw new GyreException("--slots must be at least 1, not " + slots);
            }
        }
    }

    private final Config config;
    private final ClusterRegistry registry;
    private final InstantSource clock;
    private final Consumer<String> log;
    private final ScheduledExecutorService timers;
    private final LocalWorkers slots;
    private final ScheduledFuture<?> beats;
    private final ScheduledFuture<?> cancelWatch;
    private final Set<RunId> cancelled = new HashSet<>();
    private final Map<RunId, RunDirectory> directories = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RunId, RunDirectory> eldest) {
            return size() > DIRECTORY_CACHE;
        }
    };
    private volatile boolean stopped;

    private Worker(
            StateStore store,
            ClusterRegistry registry,
            Executor executor,
            Config config,
            InstantSource clock,
            Consumer<RunId> committed,
            Consumer<String> log) {
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.log = log;
        List<QueueName> served = QueueRouting.served(config.queues(), config.labels());
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "gyre-worker-timers");
            th.setDaemon(true);
            return th;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.timers = pool;
        this.slots = new LocalWorkers(store, executor, this::prepare, served, timers, config.leaseTtl(), committed);
        beat();
        long every = Math.max(1, config.leaseTtl().toMillis() / 3);
        this.beats = timers.scheduleWithFixedDelay(this::beatSafely, every, every, TimeUnit.MILLISECONDS);
        this.cancelWatch = timers.scheduleWithFixedDelay(
                this::watchCancels, CANCEL_WATCH.toMillis(), CANCEL_WATCH.toMillis(), TimeUnit.MILLISECONDS);
        slots.start(config.id().value(), config.slots());
    }

    /**
     * Registers the worker and starts its slots.
     *
     * @param committed told after each commit (an orchestrator in the same process pumps the run's driver)
     */
    public static Worker start(
            StateStore store,
            ClusterRegistry registry,
            Executor executor,
            Config config,
            InstantSource clock,
            Consumer<RunId> committed,
            Consumer<String> log) {
        return new Worker(store, registry, executor, config, clock, committed, log);
    }

    public WorkerId id() {
        return config.id();
    }

    private TaskLaunch prepare(WorkItem item) {
        RunDirectory dir;
        synchronized (directories) {
            dir = directories.get(item.run());
            if (dir == null) {
                Path path = config.runsDir().resolve(item.run().value());
                if (!Files.isDirectory(path)) {
                    throw new GyreException("worker " + config.id() + " cannot find the directory of run " + item.run()
                            + " at " + path + "; workers need the same shared --data-dir as the orchestrator");
                }
                dir = RunDirectory.open(path);
                directories.put(item.run(), dir);
            }
        }
        return dir.attemptSetup().prepare(item);
    }

    private void beatSafely() {
        try {
            beat();
        } catch (RuntimeException e) {
            log.accept("gyre worker: heartbeat to the registry failed, trying again: " + e);
        }
    }

    private void beat() {
        if (stopped) {
            return;
        }
        registry.beat(new WorkerInfo(
                config.id(),
                config.queues(),
                config.labels(),
                config.slots(),
                slots.runningByQueue(),
                clock.instant().plus(config.leaseTtl())));
    }

    private void watchCancels() {
        try {
            for (RunId run : registry.cancelRequests().keySet()) {
                if (cancelled.add(run)) {
                    slots.cancelRun(run);
                }
            }
        } catch (RuntimeException e) {
            log.accept("gyre worker: reading cancel requests failed, trying again: " + e);
        }
    }

    /**
     * Stops claiming, lets running attempts finish for up to the configured grace, hands back the rest (they
     * return to their queues with the attempt counted), and leaves the registry.
     */
    public void shutdown() {
        if (stopped) {
            return;
        }
        slots.drain(config.grace());
        stopped = true;
        beats.cancel(false);
        cancelWatch.cancel(false);
        try {
            registry.leave(config.id());
        } catch (RuntimeException e) {
            log.accept("gyre worker: leaving the registry failed (it expires by itself): " + e);
        }
        timers.shutdownNow();
    }

    @Override
    public void close() {
        shutdown();
    }
}
