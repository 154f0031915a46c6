package io.gyre.core;

import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.Failure;
import io.gyre.api.GyreException;
import io.gyre.api.Lease;
import io.gyre.api.LeaseOutcome;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.api.StaleLeaseException;
import io.gyre.api.StateStore;
import io.gyre.api.TaskLaunch;
import io.gyre.api.TaskOutcome;
import io.gyre.api.WorkerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A pool of worker slots in this process: each slot claims work items from the store's queues, runs them with
 * the executor under a heartbeated lease, and commits the outcome with the lease's token. After each commit it
 * tells the run's driver, which usually advances the graph on this same thread.
 *
 * <p>Batching (ADR 0014). At most one slot at a time claims from the store, and it claims for every idle slot
 * in one {@link StateStore#claimAll} (handing the extra leases to the others, which wait on the pool, not on the
 * store); finished slots commit through one {@link StateStore#completeAll}: a slot that finds another one
 * committing leaves its outcome to it (flat combining). So a busy pool costs about two store round trips per
 * batch rather than per task, and a lone slot (a chain) still claims, runs and commits on one thread.
 *
 * <p>Slots are virtual threads (ADR 0016): handing a lease to an idle slot is a continuation switch, not a
 * kernel wake-up, and a slot blocked on a process or the store holds no carrier.
 */
final class LocalWorkers implements AutoCloseable {
    /** The default lease length; workers renew leases three times per length. */
    static final Duration LEASE_TTL = Duration.ofSeconds(30);

    private static final Duration CLAIM_WAIT = Duration.ofMillis(250);

    /** How long a slot waits before trying an unreachable store again. */
    private static final Duration STORE_RETRY = Duration.ofMillis(200);

    /** The outcome of an attempt a stopping worker gives back: counted like a lost lease, not like a failure. */
    static final TaskOutcome HANDED_BACK = new TaskOutcome.Failed(
            -1,
            new Failure(io.gyre.api.Completion.LEASE_EXPIRED, "handed back by a stopping worker; it runs again", true));

    private final StateStore store;
    private final Executor executor;
    private final AttemptSetup setup;
    private volatile List<QueueName> queues;
    private final Consumer<RunId> committed;
    private final List<Thread> threads = new ArrayList<>();
    /** Running attempts by lease token (a lease's own hash would hash its whole work item). */
    private final Map<String, Attempt> running = new ConcurrentHashMap<>();

    private final java.util.Set<RunId> cancelledRuns = ConcurrentHashMap.newKeySet();
    private final AttemptTimer timeouts;
    private final Duration leaseTtl;
    private final ScheduledFuture<?> beats;
    private volatile boolean stopping;
    /** Counted down by {@link #close}: ends the waits of slots that retry an unreachable store. */
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

    private final java.util.concurrent.atomic.AtomicInteger claiming = new java.util.concurrent.atomic.AtomicInteger();
    /** Slots not running an attempt: how many leases the claiming slot asks for. */
    private final java.util.concurrent.atomic.AtomicInteger idle = new java.util.concurrent.atomic.AtomicInteger();
    /** Leases the claiming slot took for other slots. */
    private final ConcurrentLinkedQueue<Lease> handed = new ConcurrentLinkedQueue<>();
    /** Held by the one slot claiming from the store. */
    private final ReentrantLock claimer = new ReentrantLock();
    /**
     * Guards the two waits below (slots are virtual threads: a {@code java.util.concurrent} lock parks them
     * without holding a carrier, where a monitor wait would pin one on Java 21).
     */
    private final ReentrantLock waits = new ReentrantLock();
    /** Idle slots that are not claiming wait here for a handed lease or for the claimer's turn. */
    private final Condition followers = waits.newCondition();
    /** Signalled when a claim from the store ends ({@link #drain} waits for the claims in progress). */
    private final Condition claimEnded = waits.newCondition();
    /** Outcomes waiting to be committed by whichever slot holds {@link #committer}. */
    private final ConcurrentLinkedQueue<LeaseOutcome> outcomes = new ConcurrentLinkedQueue<>();

    private final ReentrantLock committer = new ReentrantLock();

    LocalWorkers(
            StateStore store,
            Executor executor,
            AttemptSetup setup,
            List<QueueName> queues,
            ScheduledExecutorService timers,
            Duration leaseTtl,
            Consumer<RunId> committed) {
        if (leaseTtl.toMillis() < 3) {
            throw new GyreException("the lease TTL must be at least 3 ms, not " + leaseTtl);
        }
        this.leaseTtl = leaseTtl;
        this.store = store;
        this.executor = executor;
        this.setup = setup;
        this.queues = List.copyOf(queues);
        this.committed = committed;
        this.timeouts = new AttemptTimer(timers);
        this.beats = timers.scheduleWithFixedDelay(
                this::heartbeat, leaseTtl.toMillis() / 3, leaseTtl.toMillis() / 3, TimeUnit.MILLISECONDS);
    }

    /** Sets the queues the slots claim from, in preference order. */
    void serve(List<QueueName> serving) {
        this.queues = List.copyOf(serving);
    }

    /** Starts {@code slots} worker slots (virtual threads). */
    void start(int slots) {
        start("local", slots);
    }

    /** Starts {@code slots} worker threads whose leases name them {@code <name>-1}, {@code <name>-2}, ... */
    void start(String name, int slots) {
        for (int s = 0; s < slots; s++) {
            WorkerId id = WorkerId.of(name + "-" + (s + 1));
            Thread t = Thread.ofVirtual().name("gyre-worker-" + (s + 1)).unstarted(() -> loop(id));
            threads.add(t);
            t.start();
        }
    }

    /** Stops every running attempt of {@code run}; their outcomes arrive as cancelled. */
    void cancelRun(RunId run) {
        cancelledRuns.add(run);
        running.values().forEach(attempt -> {
            if (attempt.lease.item().run().equals(run)) {
                attempt.cancel.cancel("run cancelled");
            }
        });
    }

    private void loop(WorkerId id) {
        idle.incrementAndGet();
        try {
            while (!stopping) {
                Lease lease = handed.poll();
                if (lease == null) {
                    lease = claimForIdleSlots(id);
                }
                if (lease == null) {
                    continue;
                }
                if (stopping) {
                    handBack(lease); // claimed while the pool was told to stop: it never started
                    continue;
                }
                idle.decrementAndGet();
                try {
                    runAttempt(lease);
                } finally {
                    idle.incrementAndGet();
                }
            }
        } finally {
            idle.decrementAndGet();
            // A stopping pool hands back what was claimed for slots that will not run it.
            Lease left;
            while ((left = handed.poll()) != null) {
                handBack(left);
            }
        }
    }

    /**
     * Claims for every idle slot if no other slot is claiming (keeping one lease, handing the rest over), else
     * waits for a handed lease or the claimer's turn. Returns this slot's lease, or null to look again.
     */
    private @org.jspecify.annotations.Nullable Lease claimForIdleSlots(WorkerId id) {
        if (!claimer.tryLock()) {
            waits.lock();
            try {
                if (handed.isEmpty() && claimer.isLocked() && !stopping) {
                    followers.await(CLAIM_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            } finally {
                waits.unlock();
            }
            return null;
        }
        List<Lease> claimed = List.of();
        boolean unreachable = false;
        try {
            Lease mine = handed.poll();
            if (mine != null) {
                return mine;
            }
            claiming.incrementAndGet();
            try {
                claimed = store.claimAll(id, queues, leaseTtl, CLAIM_WAIT, Math.max(1, idle.get()));
            } catch (GyreException e) {
                // The store is unreachable (a Redis restart): nothing was taken; wait a moment, outside the lock.
                claimed = List.of();
                unreachable = true;
            } finally {
                waits.lock();
                try {
                    claiming.decrementAndGet();
                    claimEnded.signalAll();
                } finally {
                    waits.unlock();
                }
            }
            for (int k = 1; k < claimed.size(); k++) {
                handed.add(claimed.get(k));
            }
        } finally {
            claimer.unlock();
            // One waiting slot per handed lease, and one more to take over claiming: waking every idle slot
            // for each claim cost more than the claims themselves.
            waits.lock();
            try {
                for (int k = Math.max(1, claimed.size()); k > 0; k--) {
                    followers.signal();
                }
            } finally {
                waits.unlock();
            }
        }
        if (unreachable) {
            pause(STORE_RETRY);
        }
        return claimed.isEmpty() ? null : claimed.get(0);
    }

    private void handBack(Lease lease) {
        try {
            store.complete(lease, HANDED_BACK);
        } catch (StaleLeaseException lost) {
            return;
        } catch (GyreException unreachable) {
            return; // the store is down: the lease lapses and the task is queued again, its attempt counted
        }
        committed.accept(lease.item().run());
    }

    /** Attempts running now, by the queue they were claimed from. */
    Map<QueueName, Integer> runningByQueue() {
        Map<QueueName, Integer> counts = new java.util.HashMap<>();
        running.values().forEach(a -> counts.merge(a.lease.item().queue(), 1, Integer::sum));
        return counts;
    }

    /**
     * Stops claiming and lets running attempts finish for up to {@code grace}; attempts still running then are
     * stopped and handed back: they complete as a lost lease, so the orchestrator queues them again with the
     * attempt counted, as if this worker had died, only sooner.
     */
    void drain(Duration grace) {
        stopping = true;
        try {
            long deadline = System.nanoTime() + grace.toNanos();
            for (Thread t : threads) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    t.join(Duration.ofNanos(left));
                }
            }
            // Let idle slots leave their claim first: an item claimed after the hand-back below would be handed
            // back too, spending one more attempt for nothing.
            long idleBy = System.nanoTime() + CLAIM_WAIT.toNanos() * 4;
            waits.lock();
            try {
                while (claiming.get() > 0 && System.nanoTime() < idleBy) {
                    claimEnded.await(Math.max(1, idleBy - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } finally {
                waits.unlock();
            }
            running.values().forEach(a -> {
                a.handedBack = true;
                a.cancel.cancel("worker stopping; the attempt is handed back");
            });
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            beats.cancel(false);
        }
    }

    private void runAttempt(Lease claimed) {
        Attempt attempt = new Attempt(claimed);
        running.put(claimed.token(), attempt);
        if (cancelledRuns.contains(claimed.item().run())) {
            attempt.cancel.cancel("run cancelled"); // claimed just before the run's cancellation looked
        }
        TaskOutcome outcome;
        try {
            TaskLaunch launch = setup.prepare(claimed.item());
            try (AttemptTimer.Armed limit = timeouts.arm(launch, attempt.cancel)) {
                outcome = executor.execute(launch, attempt.cancel);
            }
        } catch (RuntimeException e) {
            outcome = new TaskOutcome.Failed(1, new Failure("worker", e.toString(), true));
        } finally {
            running.remove(claimed.token());
        }
        if (attempt.handedBack) {
            outcome = HANDED_BACK;
        }
        outcomes.add(new LeaseOutcome(attempt.lease, outcome));
        commitOutcomes();
    }

    /**
     * Commits every waiting outcome in one batch unless another slot is committing (it then commits this one's
     * too: it looks again after letting go). Tells the drivers of the runs committed to.
     */
    private void commitOutcomes() {
        while (!outcomes.isEmpty() && committer.tryLock()) {
            java.util.Set<RunId> runs = new java.util.LinkedHashSet<>();
            boolean retry = false;
            try {
                List<LeaseOutcome> batch = new ArrayList<>();
                LeaseOutcome o;
                while ((o = outcomes.poll()) != null) {
                    batch.add(o);
                }
                if (batch.isEmpty()) {
                    continue;
                }
                // A refused lease expired and its attempt went to another worker: its result must not commit twice.
                java.util.Set<Lease> refused;
                try {
                    refused = new java.util.HashSet<>(store.completeAll(batch));
                } catch (GyreException unreachable) {
                    // The store cannot be reached: keep the outcomes and try again (the leases are no longer
                    // renewed meanwhile; if the outage outlasts them the results are refused and the tasks run
                    // again elsewhere, counted as lost leases). A closing pool gives up: the leases expire.
                    if (!(stopping && stopped.getCount() == 0)) {
                        outcomes.addAll(batch);
                        retry = true;
                    }
                    continue;
                }
                for (LeaseOutcome done : batch) {
                    if (!refused.contains(done.lease())) {
                        runs.add(done.lease().item().run());
                    }
                }
            } finally {
                committer.unlock();
            }
            runs.forEach(committed);
            if (retry) {
                pause(STORE_RETRY);
            }
        }
    }

    /** Waits {@code d}, or less if the pool is closed meanwhile (not a sleep: close ends the wait). */
    private void pause(Duration d) {
        try {
            stopped.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Renews the lease of every running attempt; one periodic job for the whole pool. */
    private void heartbeat() {
        for (Attempt a : running.values()) {
            try {
                a.lease = store.heartbeat(a.lease, leaseTtl);
            } catch (StaleLeaseException lost) {
                // The lease was reaped and the task handed to another worker: stop this copy, whose result
                // could not commit anyway, so two copies never write the same task directory.
                a.cancel.cancel("lease lost");
            } catch (RuntimeException e) {
                // A store hiccup: the next beat tries again; the lease TTL is three beats long.
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        stopped.countDown();
        beats.cancel(false);
        running.values().forEach(a -> a.cancel.cancel("worker stopping"));
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One running attempt: its cancellation and the latest renewal of its lease. */
    private static final class Attempt {
        final Cancellation cancel = new Cancellation();
        volatile Lease lease;
        volatile boolean handedBack;

        Attempt(Lease lease) {
            this.lease = lease;
        }
    }
}
