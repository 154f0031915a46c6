package io.gyre.core;

import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.Executor;
import io.gyre.api.GyreException;
import io.gyre.api.Membership;
import io.gyre.api.QueueName;
import io.gyre.api.RunFence;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.StateStore;
import io.gyre.api.TaskLaunch;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import io.gyre.api.WorkItem;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.random.RandomGenerator;

/**
 * Gyre in one process: an orchestrator driving runs and a pool of local worker slots, over a state store.
 * This is what {@code gyre run} uses, and what a Java program embeds:
 *
 * <pre>{@code
 * try (Engine engine = Engine.builder().executor(Executors.inProcess(tasks)).parallel(4).build()) {
 *     RunRecord result = engine.start(RunSpec.of(plan)).await();
 * }
 * }</pre>
 */
public final class Engine implements AutoCloseable {
    private final StateStore store;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final ScheduledExecutorService timers;
    private final boolean ownsTimers;
    private final LocalWorkers workers;
    private final LeaseReaper reaper;
    private final Map<RunId, RunDriver> drivers = new ConcurrentHashMap<>();
    private final Map<RunId, AttemptSetup> setups = new ConcurrentHashMap<>();
    private final Map<RunId, Thread> inboxTakers = new ConcurrentHashMap<>();
    private final Set<QueueName> queues = ConcurrentHashMap.newKeySet();
    private final int parallel;
    private boolean workersStarted;

    private Engine(Builder b) {
        this.store = b.store != null ? b.store : Stores.inMemory(b.clock);
        this.clock = b.clock;
        this.random = b.random;
        ScheduledExecutorService t = b.timers;
        this.ownsTimers = t == null;
        if (t == null) {
            ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "gyre-timers");
                th.setDaemon(true);
                return th;
            });
            pool.setRemoveOnCancelPolicy(true);
            t = pool;
        }
        this.timers = t;
        this.parallel = b.parallel;
        this.workers = new LocalWorkers(store, b.executor, this::prepare, List.of(), timers, b.leaseTtl, this::pump);
        this.reaper = new LeaseReaper(store, clock, timers, Duration.ofSeconds(1), this::pump);
    }

    public static Builder builder() {
        return new Builder();
    }

    public StateStore store() {
        return store;
    }

    /** Creates the run in the store and starts it. */
    public RunHandle start(RunSpec spec) {
        create(spec);
        return drive(spec);
    }

    /**
     * Creates the run and its pending tasks in the store without starting it (so listeners can subscribe to its
     * events first); {@link #resume} then drives it.
     */
    public void create(RunSpec spec) {
        RunId id = spec.id();
        Plan plan = spec.plan();
        RunRecord record =
                new RunRecord(id, plan.flow().name(), RunState.PENDING, 0, spec.createdAt(), null, spec.context());
        List<TaskRecord> tasks = new ArrayList<>(plan.size());
        for (int i = 0; i < plan.size(); i++) {
            tasks.add(TaskRecord.pending(id, plan.task(i).id()));
        }
        store.createRun(record, tasks);
    }

    /**
     * Drives a run that is already in the store: created and pending, or failed or cancelled (then its succeeded
     * tasks are kept and the rest run again).
     */
    public RunHandle resume(RunSpec spec) {
        return drive(spec);
    }

    /** Cancels a run that was created but never driven: the run and all its tasks end cancelled. */
    public void cancelCreated(RunSpec spec, String reason) {
        RunId id = spec.id();
        for (int i = 0; i < spec.plan().size(); i++) {
            TaskRecord t = store.task(id, spec.plan().task(i).id());
            store.updateTask(t.ended(TaskState.CANCELLED, null, clock.instant(), null, Map.of()));
        }
        store.updateRun(store.run(id).withState(RunState.CANCELLED, clock.instant()));
        store.append(Event.of(id, clock.instant(), EventKind.RUN_CANCELLED, null, Map.of("reason", reason)));
    }

    private RunHandle drive(RunSpec spec) {
        RunDriver driver = new RunDriver(
                spec.plan(),
                spec.id(),
                store,
                spec.resolver(),
                spec.fanOutFiles(),
                clock,
                timers,
                random,
                workers::cancelRun);
        drivers.put(spec.id(), driver);
        setups.put(spec.id(), spec.setup());
        for (int i = 0; i < spec.plan().size(); i++) {
            queues.add(spec.plan().task(i).queue());
        }
        workers.serve(List.copyOf(new LinkedHashSet<>(queues)));
        driver.done().whenComplete((r, e) -> {
            drivers.remove(spec.id());
            setups.remove(spec.id());
        });
        synchronized (this) {
            if (!workersStarted) {
                workersStarted = true;
                workers.start(parallel);
            }
        }
        driver.start();
        return new RunHandle(driver);
    }

    /**
     * Drives a run this engine was granted by {@link Membership#claimRun}, as one of several orchestrators over a
     * shared store (ADR 0012): the run is rebuilt from its task records as the store has them (whoever drove it
     * before), every write carries the fence, and the run's completions are taken by a dedicated virtual thread
     * that waits on the inbox. If another orchestrator claims the run, the next write is refused and the handle
     * completes exceptionally with {@link io.gyre.api.FencedException}. Unlike {@link #start}, this does not
     * start this engine's worker slots: work items go to the queues for whatever workers serve them.
     *
     * @throws GyreException if the engine's store does not implement {@link Membership}
     */
    public RunHandle adopt(RunSpec spec, RunFence fence) {
        if (!(store instanceof Membership membership)) {
            throw new GyreException(
                    "adopting run " + spec.id() + " needs a store with membership (in-memory or Redis)");
        }
        if (!fence.run().equals(spec.id())) {
            throw new GyreException("the fence is for run " + fence.run() + ", not " + spec.id());
        }
        StateStore fenced = membership.fenced(fence);
        RunDriver driver = new RunDriver(
                spec.plan(),
                spec.id(),
                fenced,
                spec.resolver(),
                spec.fanOutFiles(),
                clock,
                timers,
                random,
                workers::cancelRun,
                true);
        drivers.put(spec.id(), driver);
        setups.put(spec.id(), spec.setup());
        driver.start();
        Thread taker = InboxTaker.start(fenced, driver);
        inboxTakers.put(spec.id(), taker);
        driver.done().whenComplete((r, e) -> {
            drivers.remove(spec.id(), driver);
            setups.remove(spec.id());
            if (inboxTakers.remove(spec.id(), taker)) {
                taker.interrupt();
            }
        });
        return new RunHandle(driver);
    }

    /**
     * Stops driving a run adopted with {@link #adopt} without writing anything (its new owner takes over); its
     * handle completes exceptionally. Does nothing if the run is not driven here.
     */
    public void release(RunId run, String reason) {
        RunDriver d = drivers.get(run);
        if (d != null) {
            d.abandon(reason);
        }
    }

    private TaskLaunch prepare(WorkItem item) {
        AttemptSetup setup = setups.get(item.run());
        if (setup == null) {
            throw new io.gyre.api.GyreException("run " + item.run() + " is not driven by this engine");
        }
        return setup.prepare(item);
    }

    private void pump(RunId run) {
        RunDriver d = drivers.get(run);
        if (d != null) {
            d.pump();
        }
    }

    @Override
    public void close() {
        inboxTakers.values().forEach(Thread::interrupt);
        reaper.close();
        workers.close();
        if (ownsTimers) {
            timers.shutdownNow();
        }
    }

    /** Builds an engine; every collaborator has a default suitable for {@code gyre run}. */
    public static final class Builder {
        private @org.jspecify.annotations.Nullable StateStore store;
        private Executor executor = io.gyre.core.Executors.localProcess();
        private InstantSource clock = InstantSource.system();
        private RandomGenerator random = new SplittableRandom();
        private @org.jspecify.annotations.Nullable ScheduledExecutorService timers;
        private int parallel = Runtime.getRuntime().availableProcessors();
        private Duration leaseTtl = LocalWorkers.LEASE_TTL;

        private Builder() {}

        public Builder store(StateStore s) {
            this.store = s;
            return this;
        }

        public Builder executor(Executor e) {
            this.executor = e;
            return this;
        }

        public Builder clock(InstantSource c) {
            this.clock = c;
            return this;
        }

        public Builder random(RandomGenerator r) {
            this.random = r;
            return this;
        }

        /** Timers for retry delays, heartbeats, timeouts and the lease reaper (tests pass a manual one). */
        public Builder timers(ScheduledExecutorService t) {
            this.timers = t;
            return this;
        }

        /** Worker slots: how many attempts run at once. */
        public Builder parallel(int n) {
            if (n < 1) {
                throw new io.gyre.api.GyreException("--parallel must be at least 1, not " + n);
            }
            this.parallel = n;
            return this;
        }

        /**
         * How long a claimed attempt's lease lasts without a heartbeat (default 30 s); workers renew every third
         * of it, and the reaper hands an attempt whose lease expired to another worker.
         */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = ttl;
            return this;
        }

        public Engine build() {
            return new Engine(this);
        }
    }
}
