package io.gyre.core;

import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.Failure;
import io.gyre.api.GyreException;
import io.gyre.api.Lease;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A pool of worker slots in this process: each slot claims work items from the store's queues, runs them with
 * the executor under a heartbeated lease, and commits the outcome with the lease's token. After each commit it
 * tells the run's driver, which usually advances the graph on this same thread.
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
    private final Map<Lease, Attempt> running = new ConcurrentHashMap<>();
    private final java.util.Set<RunId> cancelledRuns = ConcurrentHashMap.newKeySet();
    private final AttemptTimer timeouts;
    private final Duration leaseTtl;
    private final ScheduledFuture<?> beats;
    private volatile boolean stopping;
    /** Counted down by {@link #close}: ends the waits of slots that retry an unreachable store. */
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

    private final java.util.concurrent.atomic.AtomicInteger claiming = new java.util.concurrent.atomic.AtomicInteger();

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

    /** Starts {@code slots} worker threads. */
    void start(int slots) {
        start("local", slots);
    }

    /** Starts {@code slots} worker threads whose leases name them {@code <name>-1}, {@code <name>-2}, ... */
    void start(String name, int slots) {
        for (int s = 0; s < slots; s++) {
            WorkerId id = WorkerId.of(name + "-" + (s + 1));
            Thread t = Thread.ofPlatform()
                    .name("gyre-worker-" + (s + 1))
                    .daemon(true)
                    .unstarted(() -> loop(id));
            threads.add(t);
            t.start();
        }
    }

    /** Stops every running attempt of {@code run}; their outcomes arrive as cancelled. */
    void cancelRun(RunId run) {
        cancelledRuns.add(run);
        running.forEach((lease, attempt) -> {
            if (lease.item().run().equals(run)) {
                attempt.cancel.cancel("run cancelled");
            }
        });
    }

    private void loop(WorkerId id) {
        while (!stopping) {
            java.util.Optional<Lease> claimed;
            claiming.incrementAndGet();
            try {
                claimed = store.claim(id, queues, leaseTtl, CLAIM_WAIT);
            } catch (GyreException e) {
                // The store is unreachable (a Redis restart): wait a moment and claim again; nothing was taken.
                pause(STORE_RETRY);
                continue;
            } finally {
                synchronized (claiming) {
                    claiming.decrementAndGet();
                    claiming.notifyAll();
                }
            }
            claimed.ifPresent(lease -> {
                if (stopping) {
                    handBack(lease); // claimed while the pool was told to stop: it never started
                } else {
                    runAttempt(lease);
                }
            });
        }
    }

    private void handBack(Lease lease) {
        try {
            store.complete(lease, HANDED_BACK);
        } catch (StaleLeaseException lost) {
            return;
        }
        committed.accept(lease.item().run());
    }

    /** Attempts running now, by the queue they were claimed from. */
    Map<QueueName, Integer> runningByQueue() {
        Map<QueueName, Integer> counts = new java.util.HashMap<>();
        running.keySet().forEach(l -> counts.merge(l.item().queue(), 1, Integer::sum));
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
            synchronized (claiming) {
                while (claiming.get() > 0 && System.nanoTime() < idleBy) {
                    claiming.wait(Math.max(1, (idleBy - System.nanoTime()) / 1_000_000));
                }
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
        running.put(claimed, attempt);
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
            running.remove(claimed);
        }
        if (attempt.handedBack) {
            outcome = HANDED_BACK;
        }
        if (commit(attempt, outcome)) {
            committed.accept(claimed.item().run());
        }
    }

    /**
     * Completes the attempt with its lease's token; if the store cannot be reached, tries again until it can
     * (the lease is no longer renewed meanwhile, so if the outage outlasts it the result is refused and the
     * task runs again elsewhere, counted as a lost lease) or this pool stops. False if the result was refused.
     */
    private boolean commit(Attempt attempt, TaskOutcome outcome) {
        while (true) {
            try {
                store.complete(attempt.lease, outcome);
                return true;
            } catch (StaleLeaseException lost) {
                // The lease expired and the attempt was handed to another worker; its result must not commit twice.
                return false;
            } catch (GyreException unreachable) {
                if (stopping && stopped.getCount() == 0) {
                    return false; // closing: the lease expires and the task runs again elsewhere
                }
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
