package io.gyre.core;

import io.gyre.api.Completion;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.Failure;
import io.gyre.api.GyreException;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import io.gyre.api.TaskMove;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskSpec;
import io.gyre.api.TaskState;
import io.gyre.api.Trigger;
import io.gyre.api.WorkItem;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Drives one run: the ready frontier, failure propagation, retries, cancellation and the run's end.
 *
 * <p>Design. The driver's own state (per task, in a {@link TaskTable}: needs not yet finished, whether a need
 * failed, the final state) is touched only inside {@link #drain}, which is serialized by the queue-drain idiom:
 * whoever calls {@link #pump} first drains the store's completion inbox and the internal command queue; callers
 * that find a drain in progress just bump a counter, and the drainer loops until the counter says nothing was
 * missed. So there is no engine thread and no lock: a worker that commits a result usually advances the graph
 * itself, which keeps a chain step to a few microseconds.
 *
 * <p>Collaborators, each one duty: {@link RunStart} starts, resumes or adopts the run, {@link SweepDriver} expands
 * and ends dynamic sweeps (ADR 0010), {@link RunCancellation} cancels the tasks, {@link Attempts} makes attempts'
 * work items and event data. They are plain objects called from the drain, never threads of their own (ADR 0003),
 * and call back into the package-private graph moves here ({@link #makeReady}, {@link #markFinal}, {@link
 * #retryDue}, {@link #emit}), which nothing else may call: only the drainer touches the driver's state.
 *
 * <p>Adoption (ADR 0012). An {@code adopted} driver drives a run another orchestrator may have driven before:
 * {@link RunStart} rebuilds its state from the task records, and completions are handed to it by {@link #deliver}
 * rather than taken from the inbox by the drain, so there is exactly one taker. A completion whose task is not
 * running at that attempt is ignored: the previous owner recorded it.
 *
 * <p>Invariants. A task becomes ready exactly once per run (when its last need finishes), unless it is retried
 * or its lease was lost. Every state change goes through the store with compare-and-set; the driver re-reads a
 * task before writing it because workers move tasks from READY to RUNNING concurrently. The run ends when every
 * task is final; it succeeded only if every task succeeded.
 */
final class RunDriver {
    /** How many lost leases a task survives without using one of its retries. */
    static final int LEASE_LOSS_ALLOWANCE = 3;

    private static final int BATCH = 512;

    private final Plan plan;
    private final RunId run;
    private final BatchedWrites store;
    private final TaskResolver resolver;
    private final InstantSource clock;
    private final ScheduledExecutorService timers;
    private final RandomGenerator random;
    private final boolean adopted;

    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final CompletableFuture<RunRecord> done = new CompletableFuture<>();

    // Owned by the drainer. Indexes below plan.size() are the plan's tasks, the rest dynamic sweep instances.
    private final TaskTable tasks;
    private final SweepInstances sweeps;
    private final SweepDriver sweepDriver;
    private final RunCancellation cancellation;
    private final RunStart runStart;
    private boolean cancelling;
    private boolean ended;

    RunDriver(
            Plan plan,
            RunId run,
            StateStore store,
            TaskResolver resolver,
            FanOutFiles fanOutFiles,
            InstantSource clock,
            ScheduledExecutorService timers,
            RandomGenerator random,
            Consumer<RunId> cancelRunning) {
        this(plan, run, store, resolver, fanOutFiles, clock, timers, random, cancelRunning, false);
    }

    /**
     * A driver; with {@code adopted}, one that rebuilds from the store's task records and is handed its
     * completions through {@link #deliver} (see the class comment).
     */
    RunDriver(
            Plan plan,
            RunId run,
            StateStore store,
            TaskResolver resolver,
            FanOutFiles fanOutFiles,
            InstantSource clock,
            ScheduledExecutorService timers,
            RandomGenerator random,
            Consumer<RunId> cancelRunning,
            boolean adopted) {
        this.adopted = adopted;
        this.plan = plan;
        this.run = run;
        this.store = new BatchedWrites(run, store);
        this.resolver = resolver;
        this.clock = clock;
        this.timers = timers;
        this.random = random;
        this.tasks = new TaskTable(plan.size());
        this.sweeps = new SweepInstances(plan, fanOutFiles);
        this.runStart = new RunStart(this, plan, run, this.store, resolver, clock, tasks, adopted);
        this.sweepDriver = new SweepDriver(this, runStart, plan, run, this.store, clock, tasks, sweeps, adopted);
        this.cancellation = new RunCancellation(this, sweepDriver, plan, run, this.store, clock, tasks, cancelRunning);
    }

    RunId run() {
        return run;
    }

    /** The spec of task {@code i}, of the plan or a dynamic sweep instance. */
    TaskSpec spec(int i) {
        return sweeps.spec(i);
    }

    Plan plan() {
        return plan;
    }

    /** Whether the run is being cancelled: nothing new starts, and a task that ends otherwise ends cancelled. */
    boolean cancelling() {
        return cancelling;
    }

    /** Completes with the final run record when every task is final. */
    CompletableFuture<RunRecord> done() {
        return done;
    }

    /** Starts (or resumes) the run: tasks already succeeded in the store are kept, the rest are pending. */
    void start() {
        submit(() -> runStart.begin(sweepDriver));
    }

    /** Cancels the run: nothing new starts, running attempts are stopped, the run ends cancelled. */
    void cancel(String reason) {
        submit(() -> beginCancel(reason));
    }

    /**
     * Hands the driver completions someone else took from the run's inbox (an adopted driver's taker, or an
     * orchestrator's inbox waiter in a process without workers); the future completes once they are recorded (or
     * the driver has ended), which is when the taker may take the next batch.
     */
    CompletableFuture<Void> deliver(List<Completion> batch) {
        CompletableFuture<Void> handled = new CompletableFuture<>();
        submit(() -> {
            try {
                if (!ended) {
                    for (Completion c : batch) {
                        onCompletion(c);
                    }
                    maybeEnd();
                    store.flush(); // recorded before the taker may take (and so acknowledge) the next batch
                }
            } finally {
                handled.complete(null);
            }
        });
        return handled;
    }

    /** Stops driving without touching the store (the run was handed to another orchestrator). */
    void abandon(String reason) {
        submit(() -> {
            if (!ended) {
                ended = true;
                done.completeExceptionally(new GyreException("stopped driving run " + run + ": " + reason));
            }
        });
    }

    /** Tells the driver that completions may be waiting in the store; drains them unless a drain is running. */
    void pump() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            drain();
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void submit(Runnable command) {
        commands.add(command);
        pump();
    }

    private void drain() {
        try {
            Runnable command;
            while ((command = commands.poll()) != null) {
                command.run();
            }
            if (ended) {
                store.flush();
                return;
            }
            if (!adopted) {
                List<Completion> batch;
                do {
                    batch = store.takeCompletions(run, BATCH, Duration.ZERO);
                    for (Completion c : batch) {
                        onCompletion(c);
                    }
                } while (batch.size() == BATCH);
            }
            maybeEnd();
            store.flush();
        } catch (RuntimeException e) {
            store.discard();
            // A store failure leaves the run as the store has it; the orchestrator that adopts it rebuilds from there.
            done.completeExceptionally(e);
            ended = true;
        }
    }

    private void beginCancel(String reason) {
        if (cancelling || ended) {
            return;
        }
        cancelling = true;
        cancellation.cancelTasks(reason);
        maybeEnd();
    }

    /** Task {@code i}'s last need ended: it is queued, expanded, skipped or cancelled. */
    void makeReady(int i) {
        TaskSpec spec = spec(i);
        if (cancelling) {
            finish(i, TaskState.CANCELLED, EventKind.TASK_CANCELLED, Map.of("reason", "run cancelled"));
            return;
        }
        if (tasks.badUpstream.get(i) && spec.when() == Trigger.SUCCESS) {
            finish(i, TaskState.SKIPPED, EventKind.TASK_SKIPPED, Map.of("reason", "upstream failed"));
            return;
        }
        if (spec.fanOut() != null) {
            sweepDriver.expand(i, spec);
            return;
        }
        Map<String, String> upstream = tasks.context[i];
        WorkItem item;
        try {
            item = resolver.resolve(run, spec, upstream == null ? Map.of() : upstream);
        } catch (GyreException e) {
            Failure why = new Failure("resolve", String.valueOf(e.getMessage()), false);
            TaskRecord cur = store.task(run, spec.id());
            store.updateTask(cur.ended(TaskState.FAILED, null, clock.instant(), why, Map.of()));
            tasks.failed++;
            markFinal(i, TaskState.FAILED, EventKind.TASK_FAILED, Attempts.failureData(why, 0, null));
            return;
        }
        enqueue(i, item);
    }

    /** Makes a pending task ready and queues its next attempt (a move gathered into the drain's batch). */
    private void enqueue(int i, WorkItem resolved) {
        // Attempts keep counting across a resume, so the first attempt of this run may not be attempt 1.
        WorkItem item = Attempts.withAttempt(resolved, tasks.attempts[i] + 1);
        store.move(TaskMove.ready(TaskState.PENDING, item));
        tasks.queuedAttempt[i] = item.attempt();
        emit(EventKind.TASK_READY, item.task(), Map.of("attempt", Integer.toString(item.attempt())));
    }

    private void onCompletion(Completion c) {
        TaskId id = c.item().task();
        int i = sweeps.indexOf(id);
        if (tasks.finalState[i] != 0) {
            return;
        }
        int attempt = c.item().attempt();
        if (tasks.queuedAttempt[i] != attempt) {
            // Not an attempt this driver queued (an adopted run's, or a stale delivery): check the record.
            TaskRecord cur = store.task(run, id);
            if (cur.state() != TaskState.RUNNING || cur.attempts() != attempt) {
                return; // already recorded (by an orchestrator that drove the run before this one)
            }
        }
        // The attempt this driver queued completed once (a lease is released exactly once): the task is running
        // at that attempt, so the moves below need no read.
        tasks.queuedAttempt[i] = 0;
        tasks.attempts[i] = attempt;
        TaskOutcome outcome = c.outcome();
        switch (outcome) {
            case TaskOutcome.Succeeded s -> succeed(i, c, s);
            case TaskOutcome.Cancelled x -> {
                store.move(Attempts.end(c, TaskState.CANCELLED, x.exitCode(), null, Map.of()));
                markFinal(i, TaskState.CANCELLED, EventKind.TASK_CANCELLED, Map.of("reason", x.reason()));
            }
            case TaskOutcome.Failed f -> fail(i, c, f);
        }
    }

    private void succeed(int i, Completion c, TaskOutcome.Succeeded s) {
        store.move(Attempts.end(c, TaskState.SUCCEEDED, s.exitCode(), null, s.outputs()));
        if (!s.outputs().isEmpty() && i >= plan.size()) {
            sweeps.publish(sweeps.placeholderOf(i), s.outputs());
        }
        if (!s.outputs().isEmpty()) {
            Map<String, String> mine = tasks.context[i];
            Map<String, String> merged = mine == null ? new HashMap<>() : new HashMap<>(mine);
            merged.putAll(s.outputs());
            tasks.context[i] = merged;
            emit(
                    EventKind.TASK_OUTPUT,
                    c.item().task(),
                    Map.of("keys", String.join(",", s.outputs().keySet())));
        }
        markFinal(
                i,
                TaskState.SUCCEEDED,
                EventKind.TASK_SUCCEEDED,
                Map.of("attempt", Integer.toString(c.item().attempt()), "exit_code", Integer.toString(s.exitCode())));
    }

    private void fail(int i, Completion c, TaskOutcome.Failed f) {
        WorkItem item = c.item();
        TaskSpec spec = spec(i);
        if (cancelling) {
            // A Ctrl-C on a terminal reaches the task too, which then fails on its own: during a cancellation a
            // failure ends the task cancelled (its failure kept for the record), never retried, never "failed".
            store.move(Attempts.end(c, TaskState.CANCELLED, f.exitCode(), f.failure(), Map.of()));
            markFinal(i, TaskState.CANCELLED, EventKind.TASK_CANCELLED, Map.of("reason", "run cancelled"));
            return;
        }
        if (c.leaseExpired() && tasks.leaseLosses[i] < LEASE_LOSS_ALLOWANCE) {
            tasks.leaseLosses[i]++;
            WorkItem again = Attempts.next(item);
            store.move(TaskMove.ready(TaskState.RUNNING, again));
            tasks.queuedAttempt[i] = again.attempt();
            emit(EventKind.TASK_LEASE_EXPIRED, item.task(), Map.of("attempt", Integer.toString(item.attempt())));
            return;
        }
        if (!cancelling
                && f.failure().retryable()
                && tasks.retriesUsed[i] < spec.retry().maxRetries()) {
            tasks.retriesUsed[i]++;
            Duration delay = spec.retry().backoff().delayAfter(tasks.retriesUsed[i], random);
            store.move(Attempts.end(c, TaskState.RETRY_WAIT, f.exitCode(), f.failure(), Map.of()));
            Map<String, String> data = Attempts.failureData(f.failure(), f.exitCode(), item.attempt());
            data.put("delay_ms", Long.toString(delay.toMillis()));
            emit(EventKind.TASK_RETRY_SCHEDULED, item.task(), data);
            WorkItem again = Attempts.next(item);
            if (delay.isZero()) {
                retryDue(i, again);
            } else {
                timers.schedule(() -> submit(() -> retryDue(i, again)), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        store.move(Attempts.end(c, TaskState.FAILED, f.exitCode(), f.failure(), Map.of()));
        tasks.failed++;
        markFinal(
                i,
                TaskState.FAILED,
                EventKind.TASK_FAILED,
                Attempts.failureData(f.failure(), f.exitCode(), item.attempt()));
    }

    /** Queues the retry {@code again} of task {@code i}, unless the task or the run ended meanwhile. */
    void retryDue(int i, WorkItem again) {
        if (tasks.finalState[i] != 0 || ended) {
            return;
        }
        if (cancelling) {
            finish(i, TaskState.CANCELLED, EventKind.TASK_CANCELLED, Map.of("reason", "run cancelled"));
            maybeEnd();
            return;
        }
        store.move(TaskMove.ready(TaskState.RETRY_WAIT, again));
        tasks.queuedAttempt[i] = again.attempt();
        emit(EventKind.TASK_READY, again.task(), Map.of("attempt", Integer.toString(again.attempt())));
    }

    /** Moves a non-started task straight to a final state (skipped or cancelled) in the store. */
    private void finish(int i, TaskState to, EventKind kind, Map<String, String> data) {
        TaskRecord cur = store.task(run, spec(i).id());
        store.updateTask(cur.ended(to, null, clock.instant(), null, Map.of()));
        markFinal(i, to, kind, data);
    }

    /** Records that task {@code i} ended in {@code state} and releases its dependents (or counts down its sweep). */
    void markFinal(int i, TaskState state, EventKind kind, Map<String, String> data) {
        tasks.finalState[i] = TaskTable.code(state);
        tasks.finished++;
        emit(kind, spec(i).id(), data);
        boolean ok = state == TaskState.SUCCEEDED;
        if (i >= plan.size()) {
            sweepDriver.instanceEnded(i, ok);
            return;
        }
        for (int k = 0; k < plan.dependentCount(i); k++) {
            int d = plan.dependent(i, k);
            if (tasks.finalState[d] != 0) {
                continue;
            }
            if (!ok) {
                tasks.badUpstream.set(d);
            }
            tasks.inherit(d, i);
            if (--tasks.remaining[d] == 0) {
                makeReady(d);
            }
        }
    }

    private void maybeEnd() {
        if (ended || tasks.finished < tasks.size) {
            return;
        }
        ended = true;
        RunRecord record = store.run(run);
        RunState to = cancelling
                ? RunState.CANCELLED
                : tasks.failed > 0 || !tasks.allSucceeded() ? RunState.FAILED : RunState.SUCCEEDED;
        RunRecord last = store.updateRun(record.withState(to, clock.instant()));
        EventKind kind = switch (to) {
            case SUCCEEDED -> EventKind.RUN_SUCCEEDED;
            case FAILED -> EventKind.RUN_FAILED;
            case CANCELLED -> EventKind.RUN_CANCELLED;
            case PENDING, RUNNING -> throw new IllegalStateException("a run ends in a final state");
        };
        emit(kind, null, Map.of("tasks", Integer.toString(tasks.size), "failed", Integer.toString(tasks.failed)));
        store.flush();
        done.complete(last);
    }

    void emit(EventKind kind, @Nullable TaskId task, Map<String, String> data) {
        store.event(Event.of(run, clock.instant(), kind, task, data));
    }
}
