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
import io.gyre.api.VersionConflictException;
import io.gyre.api.WorkItem;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
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
 * failed, the final state) is touched only inside {@link #drain}, which is serialized by the queue-drain idiom: whoever calls
 * {@link #pump} first drains the store's completion inbox and the internal command queue; callers that find a
 * drain in progress just bump a counter, and the drainer loops until the counter says nothing was missed. So
 * there is no engine thread and no lock: a worker that commits a result usually advances the graph itself, which
 * keeps a chain step to a few microseconds.
 *
 * <p>Adoption (ADR 0012). A driver built with {@code adopted} drives a run that another orchestrator may have
 * driven before: {@link #start} rebuilds its state from the task records as they are (final tasks stay final,
 * running tasks are left to their workers' leases, ready tasks are enqueued again, which is harmless because a
 * claim drops a duplicate of an attempt, and tasks waiting to retry are retried now), and completions are
 * handed to it by {@link #deliver} rather than taken from the inbox by the drain, so there is exactly one
 * taker. A completion whose task is not running at that attempt is ignored: the previous owner recorded it.
 * {@link RunRebuild} computes the rebuilt state; the driver acts on the tasks it returns.
 *
 * <p>Invariants. A task becomes ready exactly once per run (when its last need finishes), unless it is retried
 * or its lease was lost. Every state change goes through the store with compare-and-set; the driver re-reads a
 * task before writing it because workers move tasks from READY to RUNNING concurrently. The run ends when every
 * task is final; it succeeded only if every task succeeded.
 *
 * <p>Dynamic sweeps (ADR 0010). A task with a {@link io.gyre.api.FanOut} is one node of the plan; when it becomes
 * ready the driver reads its lists, records the expansion, adds the instances to the store
 * ({@link StateStore#addTasks}) and to its own arrays after the plan's tasks (index {@code >= plan.size()}), and
 * marks the placeholder running. An instance has no dependents of its own: when it ends it counts down its
 * placeholder, which ends (succeeded only if every instance succeeded) when the last one has, and then releases
 * its dependents as any task does. So fan-in over a dynamic sweep is the ordinary need on the placeholder.
 * {@link SweepInstances} reads and records the lists and keeps the instance/placeholder bookkeeping; the
 * collaborators are plain objects called from the drain, never threads of their own (ADR 0003).
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
    private final Consumer<RunId> cancelRunning;
    private final boolean adopted;

    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final CompletableFuture<RunRecord> done = new CompletableFuture<>();

    // Owned by the drainer. Indexes below plan.size() are the plan's tasks, the rest dynamic sweep instances.
    private final TaskTable tasks;
    private final SweepInstances sweeps;
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
        this.cancelRunning = cancelRunning;
        this.tasks = new TaskTable(plan.size());
        this.sweeps = new SweepInstances(plan, fanOutFiles);
    }

    RunId run() {
        return run;
    }

    private TaskSpec spec(int i) {
        return sweeps.spec(i);
    }

    Plan plan() {
        return plan;
    }

    /** Completes with the final run record when every task is final. */
    CompletableFuture<RunRecord> done() {
        return done;
    }

    /** Starts (or resumes) the run: tasks already succeeded in the store are kept, the rest are pending. */
    void start() {
        submit(this::begin);
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

    private void begin() {
        if (adopted) {
            rebuild();
            return;
        }
        RunRecord record = store.run(run);
        RunState from = record.state();
        store.updateRun(record.withState(RunState.RUNNING, null));
        emit(
                from == RunState.PENDING ? EventKind.RUN_STARTED : EventKind.RUN_RESUMED,
                null,
                Map.of("flow", plan.flow().name(), "tasks", Integer.toString(plan.size())));
        int n = plan.size();
        Map<TaskId, TaskRecord> stored = new HashMap<>();
        for (TaskRecord t : store.tasks(run)) {
            stored.put(t.id(), t);
        }
        for (int i = 0; i < n; i++) {
            TaskRecord t = stored.get(plan.task(i).id());
            if (t == null) {
                throw new GyreException("task " + plan.task(i).id() + " of run " + run + " is not in the store; "
                        + "the run was created from another plan");
            }
            tasks.attempts[i] = t.attempts();
            if (t.state() == TaskState.SUCCEEDED) {
                tasks.finalState[i] = TaskTable.code(TaskState.SUCCEEDED);
                tasks.finished++;
                if (!t.outputs().isEmpty()) {
                    tasks.context[i] = t.outputs();
                }
            } else if (t.state() == TaskState.FAILED
                    || t.state() == TaskState.SKIPPED
                    || t.state() == TaskState.CANCELLED) {
                store.updateTask(t.withState(TaskState.PENDING)); // resumed: it runs again
                emit(EventKind.TASK_RESUMED, t.id(), Map.of("was", t.state().wireName()));
            } else if (t.state() != TaskState.PENDING) {
                throw new GyreException(
                        "task " + t.id() + " of run " + run + " is " + t.state().wireName()
                                + "; a run starts or resumes with tasks pending, succeeded, failed, skipped or cancelled");
            }
        }
        tasks.countOpenNeeds(plan); // only succeeded tasks are final here, so no upstream is bad
        for (int i = 0; i < n; i++) {
            if (tasks.finalState[i] == 0 && tasks.remaining[i] == 0) {
                makeReady(i);
            }
        }
    }

    /** Starts an adopted run from the task records as the store has them (see the class comment). */
    private void rebuild() {
        RunRecord record = store.run(run);
        RunState from = record.state();
        if (from != RunState.RUNNING) {
            store.updateRun(record.withState(RunState.RUNNING, null));
        }
        emit(
                from == RunState.PENDING ? EventKind.RUN_STARTED : EventKind.RUN_RESUMED,
                null,
                Map.of("flow", plan.flow().name(), "tasks", Integer.toString(plan.size()), "adopted", "true"));
        List<RunRebuild.Unfinished> act = RunRebuild.rebuild(plan, run, tasks, store.tasks(run));
        for (RunRebuild.Unfinished u : act) {
            int i = u.index();
            if (tasks.finalState[i] != 0) {
                continue;
            }
            if (plan.task(i).fanOut() != null
                    && (u.record().state() == TaskState.READY || u.record().state() == TaskState.RUNNING)) {
                // A dynamic sweep the previous owner expanded (or began to): expand it again from the recorded
                // expansion; its instances are picked up as the store has them.
                expand(i, plan.task(i));
                continue;
            }
            switch (u.record().state()) {
                case PENDING -> {
                    if (tasks.remaining[i] == 0) {
                        makeReady(i);
                    }
                }
                case READY -> requeue(i, u.record()); // its item may never have been queued
                case RETRY_WAIT -> {
                    // The backoff timer died with the previous owner: retry now.
                    WorkItem again = resolveForAdoption(i, u.record());
                    if (again != null) {
                        retryDue(i, again);
                    }
                }
                case RUNNING -> {} // a worker holds a lease; its completion (or the reaper's) comes to the inbox
                case SUCCEEDED, FAILED, SKIPPED, CANCELLED -> throw new IllegalStateException("final: " + i);
            }
        }
    }

    private void requeue(int i, TaskRecord t) {
        WorkItem item = resolveForAdoption(i, t);
        if (item != null) {
            store.enqueue(item);
            tasks.queuedAttempt[i] = item.attempt();
        }
    }

    /** The task's next attempt as a work item, or null if it cannot be resolved (then the task failed). */
    private @Nullable WorkItem resolveForAdoption(int i, TaskRecord t) {
        Map<String, String> upstream = tasks.context[i];
        try {
            WorkItem resolved = resolver.resolve(run, spec(i), upstream == null ? Map.of() : upstream);
            return withAttempt(resolved, t.attempts() + 1);
        } catch (GyreException e) {
            Failure why = new Failure("resolve", String.valueOf(e.getMessage()), false);
            store.updateTask(t.ended(TaskState.FAILED, null, clock.instant(), why, Map.of()));
            tasks.failed++;
            markFinal(i, TaskState.FAILED, EventKind.TASK_FAILED, failureData(why, 0, null));
            return null;
        }
    }

    private void makeReady(int i) {
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
            expand(i, spec);
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
            markFinal(i, TaskState.FAILED, EventKind.TASK_FAILED, failureData(why, 0, null));
            return;
        }
        enqueue(i, item);
    }

    /** Makes a pending task ready and queues its next attempt (a move gathered into the drain's batch). */
    private void enqueue(int i, WorkItem resolved) {
        // Attempts keep counting across a resume, so the first attempt of this run may not be attempt 1.
        WorkItem item = withAttempt(resolved, tasks.attempts[i] + 1);
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
                store.move(end(c, TaskState.CANCELLED, x.exitCode(), null, Map.of()));
                markFinal(i, TaskState.CANCELLED, EventKind.TASK_CANCELLED, Map.of("reason", x.reason()));
            }
            case TaskOutcome.Failed f -> fail(i, c, f);
        }
    }

    /** The move ending the completed attempt {@code c} (its task is running at that attempt). */
    private static TaskMove end(
            Completion c, TaskState to, int exitCode, @Nullable Failure failure, Map<String, String> outputs) {
        return TaskMove.end(
                c.item().task(), TaskState.RUNNING, c.item().attempt(), to, exitCode, c.at(), failure, outputs);
    }

    private void succeed(int i, Completion c, TaskOutcome.Succeeded s) {
        store.move(end(c, TaskState.SUCCEEDED, s.exitCode(), null, s.outputs()));
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
            store.move(end(c, TaskState.CANCELLED, f.exitCode(), f.failure(), Map.of()));
            markFinal(i, TaskState.CANCELLED, EventKind.TASK_CANCELLED, Map.of("reason", "run cancelled"));
            return;
        }
        if (c.leaseExpired() && tasks.leaseLosses[i] < LEASE_LOSS_ALLOWANCE) {
            tasks.leaseLosses[i]++;
            WorkItem again = next(item);
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
            store.move(end(c, TaskState.RETRY_WAIT, f.exitCode(), f.failure(), Map.of()));
            Map<String, String> data = failureData(f.failure(), f.exitCode(), item.attempt());
            data.put("delay_ms", Long.toString(delay.toMillis()));
            emit(EventKind.TASK_RETRY_SCHEDULED, item.task(), data);
            WorkItem again = next(item);
            if (delay.isZero()) {
                retryDue(i, again);
            } else {
                timers.schedule(() -> submit(() -> retryDue(i, again)), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        store.move(end(c, TaskState.FAILED, f.exitCode(), f.failure(), Map.of()));
        tasks.failed++;
        markFinal(i, TaskState.FAILED, EventKind.TASK_FAILED, failureData(f.failure(), f.exitCode(), item.attempt()));
    }

    private void retryDue(int i, WorkItem again) {
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

    private static WorkItem next(WorkItem item) {
        return withAttempt(item, item.attempt() + 1);
    }

    private static WorkItem withAttempt(WorkItem item, int attempt) {
        return item.attempt() == attempt
                ? item
                : new WorkItem(
                        item.run(),
                        item.task(),
                        attempt,
                        item.action(),
                        item.env(),
                        item.timeout(),
                        item.queue(),
                        item.labels());
    }

    private static Map<String, String> failureData(Failure f, int exitCode, @Nullable Integer attempt) {
        Map<String, String> data = new HashMap<>();
        data.put("type", f.type());
        data.put("message", f.message());
        data.put("exit_code", Integer.toString(exitCode));
        if (attempt != null) {
            data.put("attempt", Integer.toString(attempt));
        }
        return data;
    }

    /** Moves a non-started task straight to a final state (skipped or cancelled) in the store. */
    private void finish(int i, TaskState to, EventKind kind, Map<String, String> data) {
        TaskRecord cur = store.task(run, spec(i).id());
        store.updateTask(cur.ended(to, null, clock.instant(), null, Map.of()));
        markFinal(i, to, kind, data);
    }

    private void markFinal(int i, TaskState state, EventKind kind, Map<String, String> data) {
        tasks.finalState[i] = TaskTable.code(state);
        tasks.finished++;
        emit(kind, spec(i).id(), data);
        boolean ok = state == TaskState.SUCCEEDED;
        if (i >= plan.size()) {
            instanceEnded(i, ok);
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

    private void beginCancel(String reason) {
        if (cancelling || ended) {
            return;
        }
        cancelling = true;
        List<Integer> waiting = new ArrayList<>();
        for (int i = 0; i < tasks.size; i++) {
            if (tasks.finalState[i] == 0) {
                waiting.add(i);
            }
        }
        boolean anyRunning = false;
        for (int i : waiting) {
            if (tasks.finalState[i] != 0) {
                continue; // finished as a consequence of an earlier cancellation in this loop
            }
            if (tryCancelWaiting(i, reason)) {
                continue;
            }
            anyRunning = true;
        }
        if (anyRunning) {
            cancelRunning.accept(run);
        }
        maybeEnd();
    }

    /** Cancels a task that has not started running; false if it is running (its attempt must be stopped). */
    private boolean tryCancelWaiting(int i, String reason) {
        TaskId id = spec(i).id();
        for (int tries = 0; tries < 3; tries++) {
            TaskRecord cur = store.task(run, id);
            switch (cur.state()) {
                case PENDING, READY, RETRY_WAIT -> {
                    try {
                        // A task waiting to retry keeps its last attempt's exit code and failure.
                        store.updateTask(cur.ended(
                                TaskState.CANCELLED, cur.exitCode(), clock.instant(), cur.failure(), Map.of()));
                    } catch (VersionConflictException raced) {
                        continue; // a worker claimed it meanwhile
                    }
                    tasks.finalState[i] = TaskTable.code(TaskState.CANCELLED);
                    tasks.finished++;
                    emit(EventKind.TASK_CANCELLED, id, Map.of("reason", reason));
                    if (i >= plan.size()) {
                        instanceEnded(i, false);
                    }
                    return true;
                }
                case RUNNING -> {
                    return false;
                }
                case SUCCEEDED, FAILED, SKIPPED, CANCELLED -> {
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * Expands the dynamic sweep {@code i} (ready: its sources succeeded): from the recorded expansion when the run
     * is resumed, else from the sources' lists, recorded before any instance exists. A list that cannot be read
     * or expanded fails the task with the reason, and its dependents are skipped as for any failure.
     */
    private void expand(int i, TaskSpec spec) {
        if (!(spec.fanOut() instanceof DynamicSweep sweep)) {
            throw new GyreException("task " + spec.id() + " has a fan-out this engine cannot expand: " + spec.fanOut());
        }
        SweepExpander.Expansion x;
        try {
            x = sweeps.expansion(spec, sweep);
        } catch (GyreException e) {
            Failure why = new Failure("fan-out", String.valueOf(e.getMessage()), false);
            TaskRecord cur = store.task(run, spec.id());
            store.updateTask(cur.ended(TaskState.FAILED, null, clock.instant(), why, Map.of()));
            tasks.failed++;
            markFinal(i, TaskState.FAILED, EventKind.TASK_FAILED, failureData(why, 0, null));
            return;
        }
        TaskRecord placeholder = store.task(run, spec.id());
        if (placeholder.state() != TaskState.RUNNING) { // running: an earlier owner of an adopted run started it
            TaskRecord cur = placeholder.state() == TaskState.READY
                    ? placeholder
                    : store.updateTask(placeholder.withState(TaskState.READY));
            store.updateTask(cur.started(cur.attempts() + 1, clock.instant()));
        }
        int count = x.ids().length;
        emit(
                EventKind.TASK_EXPANDED,
                spec.id(),
                Map.of(
                        "points", Integer.toString(x.sweep().points()),
                        "instances", Integer.toString(count),
                        "from",
                                String.join(
                                        ",",
                                        sweep.matrix().dynamic().stream()
                                                .map(Matrix.Dynamic::task)
                                                .toList())));
        int first = tasks.size;
        tasks.grow(tasks.size + count);
        List<TaskRecord> pending = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            pending.add(TaskRecord.pending(run, x.ids()[k]));
        }
        sweeps.add(i, spec, first, x);
        tasks.size += count;
        List<TaskRecord> stored = store.addTasks(run, pending);
        tasks.remaining[i] = count;
        List<Integer> ready = new ArrayList<>(count);
        List<Integer> adoptedInstances = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int c = first + k;
            TaskRecord r = stored.get(k);
            tasks.attempts[c] = r.attempts();
            tasks.context[c] = tasks.context[i];
            switch (r.state()) {
                case SUCCEEDED -> { // kept from before a resume
                    tasks.finalState[c] = TaskTable.code(TaskState.SUCCEEDED);
                    tasks.finished++;
                    tasks.remaining[i]--;
                    if (!r.outputs().isEmpty()) {
                        sweeps.publish(i, r.outputs());
                        Map<String, String> merged =
                                new HashMap<>(tasks.context[i] == null ? Map.of() : tasks.context[i]);
                        merged.putAll(r.outputs());
                        tasks.context[c] = merged;
                        tasks.inherit(i, c);
                    }
                }
                case FAILED, SKIPPED, CANCELLED -> {
                    if (adopted) { // the run goes on as its previous owner left it: this instance has ended
                        tasks.finalState[c] = TaskTable.code(r.state());
                        tasks.finished++;
                        tasks.failed += r.state() == TaskState.FAILED ? 1 : 0;
                        sweeps.instanceFailed(i);
                        tasks.remaining[i]--;
                    } else {
                        store.updateTask(r.withState(TaskState.PENDING));
                        emit(
                                EventKind.TASK_RESUMED,
                                r.id(),
                                Map.of("was", r.state().wireName()));
                        ready.add(c);
                    }
                }
                case PENDING -> ready.add(c);
                case READY, RUNNING, RETRY_WAIT -> {
                    if (!adopted) {
                        throw new GyreException("instance " + r.id() + " of run " + run + " is "
                                + r.state().wireName() + " before its sweep was expanded");
                    }
                    tasks.retriesUsed[c] = Math.max(0, r.attempts() - 1);
                    adoptedInstances.add(c);
                }
            }
        }
        if (tasks.remaining[i] == 0) {
            sweepEnded(i);
            return;
        }
        for (int c : ready) {
            if (tasks.finalState[c] == 0) {
                makeReady(c);
            }
        }
        for (int c : adoptedInstances) {
            TaskRecord r = stored.get(c - first);
            switch (r.state()) {
                case READY -> requeue(c, r); // its item may never have been queued
                case RETRY_WAIT -> {
                    WorkItem again = resolveForAdoption(c, r);
                    if (again != null) {
                        retryDue(c, again);
                    }
                }
                case RUNNING -> {} // a worker holds a lease; its completion (or the reaper's) comes to the inbox
                case PENDING, SUCCEEDED, FAILED, SKIPPED, CANCELLED -> throw new IllegalStateException("not adopted");
            }
        }
    }

    /** An instance of a dynamic sweep ended: counts down its placeholder, which ends with the last one. */
    private void instanceEnded(int c, boolean ok) {
        int p = sweeps.placeholderOf(c);
        if (!ok) {
            sweeps.instanceFailed(p);
        }
        tasks.inherit(p, c);
        if (--tasks.remaining[p] == 0) {
            sweepEnded(p);
        }
    }

    /** Every instance of the dynamic sweep {@code p} ended: it succeeded if they all did. */
    private void sweepEnded(int p) {
        TaskSpec spec = plan.task(p);
        TaskRecord cur = store.task(run, spec.id());
        Instant now = clock.instant();
        if (sweeps.allSucceeded(p)) {
            store.updateTask(cur.ended(TaskState.SUCCEEDED, null, now, null, sweeps.outputs(p)));
            markFinal(p, TaskState.SUCCEEDED, EventKind.TASK_SUCCEEDED, Map.of("attempt", "1"));
            return;
        }
        SweepInstances.Ends ends = sweeps.ends(p, tasks);
        if (cancelling && ends.anyCancelled()) {
            store.updateTask(cur.ended(TaskState.CANCELLED, null, now, null, Map.of()));
            markFinal(p, TaskState.CANCELLED, EventKind.TASK_CANCELLED, Map.of("reason", "run cancelled"));
            return;
        }
        Failure why = new Failure(
                "fan-out",
                ends.notSucceeded() + " of " + ends.total() + " instances did not succeed: "
                        + String.join(", ", ends.some()),
                false);
        store.updateTask(cur.ended(TaskState.FAILED, null, now, why, Map.of()));
        tasks.failed++;
        markFinal(p, TaskState.FAILED, EventKind.TASK_FAILED, failureData(why, 0, null));
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

    private void emit(EventKind kind, @Nullable TaskId task, Map<String, String> data) {
        store.event(Event.of(run, clock.instant(), kind, task, data));
    }
}
