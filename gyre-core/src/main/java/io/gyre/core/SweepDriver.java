package io.gyre.core;

import io.gyre.api.EventKind;
import io.gyre.api.Failure;
import io.gyre.api.GyreException;
import io.gyre.api.RunId;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskSpec;
import io.gyre.api.TaskState;
import io.gyre.api.WorkItem;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives a run's dynamic sweeps (ADR 0010) for its {@link RunDriver}. A task with a {@link io.gyre.api.FanOut} is
 * one node of the plan; when it becomes ready the driver hands it to {@link #expand}, which reads its lists,
 * records the expansion, adds the instances to the store ({@link io.gyre.api.StateStore#addTasks}) and to the
 * task table after the plan's tasks (index {@code >= plan.size()}), and marks the placeholder running. An instance
 * has no dependents of its own: when it ends the driver calls {@link #instanceEnded}, which counts down its
 * placeholder; the placeholder ends (succeeded only if every instance succeeded) when the last one has, and then
 * releases its dependents through the driver as any task does. So fan-in over a dynamic sweep is the ordinary
 * need on the placeholder. {@link SweepInstances} reads and records the lists and keeps the instance/placeholder
 * bookkeeping.
 *
 * <p>Like every collaborator of the driver, it is a plain object called only from the driver's drain (ADR 0003):
 * no threads, no locks, and it calls back into the driver for the graph's moves.
 */
final class SweepDriver {
    private final RunDriver driver;
    private final RunStart runStart;
    private final Plan plan;
    private final RunId run;
    private final BatchedWrites store;
    private final InstantSource clock;
    private final TaskTable tasks;
    private final SweepInstances sweeps;
    private final boolean adopted;

    SweepDriver(
            RunDriver driver,
            RunStart runStart,
            Plan plan,
            RunId run,
            BatchedWrites store,
            InstantSource clock,
            TaskTable tasks,
            SweepInstances sweeps,
            boolean adopted) {
        this.driver = driver;
        this.runStart = runStart;
        this.plan = plan;
        this.run = run;
        this.store = store;
        this.clock = clock;
        this.tasks = tasks;
        this.sweeps = sweeps;
        this.adopted = adopted;
    }

    /**
     * Expands the dynamic sweep {@code i} (ready: its sources succeeded): from the recorded expansion when the run
     * is resumed, else from the sources' lists, recorded before any instance exists. A list that cannot be read
     * or expanded fails the task with the reason, and its dependents are skipped as for any failure.
     */
    void expand(int i, TaskSpec spec) {
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
            driver.markFinal(i, TaskState.FAILED, EventKind.TASK_FAILED, Attempts.failureData(why, 0, null));
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
        driver.emit(
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
                        driver.emit(
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
                driver.makeReady(c);
            }
        }
        for (int c : adoptedInstances) {
            TaskRecord r = stored.get(c - first);
            switch (r.state()) {
                case READY -> runStart.requeue(c, r); // its item may never have been queued
                case RETRY_WAIT -> {
                    WorkItem again = runStart.resolveForAdoption(c, r);
                    if (again != null) {
                        driver.retryDue(c, again);
                    }
                }
                case RUNNING -> {} // a worker holds a lease; its completion (or the reaper's) comes to the inbox
                case PENDING, SUCCEEDED, FAILED, SKIPPED, CANCELLED -> throw new IllegalStateException("not adopted");
            }
        }
    }

    /** An instance of a dynamic sweep ended: counts down its placeholder, which ends with the last one. */
    void instanceEnded(int c, boolean ok) {
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
            driver.markFinal(p, TaskState.SUCCEEDED, EventKind.TASK_SUCCEEDED, Map.of("attempt", "1"));
            return;
        }
        SweepInstances.Ends ends = sweeps.ends(p, tasks);
        if (driver.cancelling() && ends.anyCancelled()) {
            store.updateTask(cur.ended(TaskState.CANCELLED, null, now, null, Map.of()));
            driver.markFinal(p, TaskState.CANCELLED, EventKind.TASK_CANCELLED, Map.of("reason", "run cancelled"));
            return;
        }
        Failure why = new Failure(
                "fan-out",
                ends.notSucceeded() + " of " + ends.total() + " instances did not succeed: "
                        + String.join(", ", ends.some()),
                false);
        store.updateTask(cur.ended(TaskState.FAILED, null, now, why, Map.of()));
        tasks.failed++;
        driver.markFinal(p, TaskState.FAILED, EventKind.TASK_FAILED, Attempts.failureData(why, 0, null));
    }
}
