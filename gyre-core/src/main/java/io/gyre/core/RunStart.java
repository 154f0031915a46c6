package io.gyre.core;

import io.gyre.api.EventKind;
import io.gyre.api.Failure;
import io.gyre.api.GyreException;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.TaskId;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import io.gyre.api.WorkItem;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Starts, resumes or adopts a run for its {@link RunDriver}: marks the run running, fills the task table from the
 * task records and sets the first tasks going.
 *
 * <p>A run started or resumed by its own driver keeps the tasks that succeeded; every other task runs again.
 *
 * <p>Adoption (ADR 0012). A driver built with {@code adopted} drives a run that another orchestrator may have
 * driven before: {@link #begin} rebuilds its state from the task records as they are (final tasks stay final,
 * running tasks are left to their workers' leases, ready tasks are enqueued again, which is harmless because a
 * claim drops a duplicate of an attempt, and tasks waiting to retry are retried now). {@link RunRebuild} computes
 * the rebuilt state; this acts on the tasks it returns. Called only from the driver's drain (ADR 0003).
 */
final class RunStart {
    private final RunDriver driver;
    private final Plan plan;
    private final RunId run;
    private final BatchedWrites store;
    private final TaskResolver resolver;
    private final InstantSource clock;
    private final TaskTable tasks;
    private final boolean adopted;

    RunStart(
            RunDriver driver,
            Plan plan,
            RunId run,
            BatchedWrites store,
            TaskResolver resolver,
            InstantSource clock,
            TaskTable tasks,
            boolean adopted) {
        this.driver = driver;
        this.plan = plan;
        this.run = run;
        this.store = store;
        this.resolver = resolver;
        this.clock = clock;
        this.tasks = tasks;
        this.adopted = adopted;
    }

    /**
     * Starts the run, or resumes it, or (built with {@code adopted}) rebuilds it as the store has it; {@code
     * sweepDriver} expands again the dynamic sweeps an earlier owner expanded (a parameter, not a field, because
     * the sweep driver needs this object to pick up adopted instances).
     */
    void begin(SweepDriver sweepDriver) {
        if (adopted) {
            rebuild(sweepDriver);
            return;
        }
        RunRecord record = store.run(run);
        RunState from = record.state();
        store.updateRun(record.withState(RunState.RUNNING, null));
        driver.emit(
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
                driver.emit(
                        EventKind.TASK_RESUMED, t.id(), Map.of("was", t.state().wireName()));
            } else if (t.state() != TaskState.PENDING) {
                throw new GyreException(
                        "task " + t.id() + " of run " + run + " is " + t.state().wireName()
                                + "; a run starts or resumes with tasks pending, succeeded, failed, skipped or cancelled");
            }
        }
        tasks.countOpenNeeds(plan); // only succeeded tasks are final here, so no upstream is bad
        for (int i = 0; i < n; i++) {
            if (tasks.finalState[i] == 0 && tasks.remaining[i] == 0) {
                driver.makeReady(i);
            }
        }
    }

    /** Starts an adopted run from the task records as the store has them (see the class comment). */
    private void rebuild(SweepDriver sweepDriver) {
        RunRecord record = store.run(run);
        RunState from = record.state();
        if (from != RunState.RUNNING) {
            store.updateRun(record.withState(RunState.RUNNING, null));
        }
        driver.emit(
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
                sweepDriver.expand(i, plan.task(i));
                continue;
            }
            switch (u.record().state()) {
                case PENDING -> {
                    if (tasks.remaining[i] == 0) {
                        driver.makeReady(i);
                    }
                }
                case READY -> requeue(i, u.record()); // its item may never have been queued
                case RETRY_WAIT -> {
                    // The backoff timer died with the previous owner: retry now.
                    WorkItem again = resolveForAdoption(i, u.record());
                    if (again != null) {
                        driver.retryDue(i, again);
                    }
                }
                case RUNNING -> {} // a worker holds a lease; its completion (or the reaper's) comes to the inbox
                case SUCCEEDED, FAILED, SKIPPED, CANCELLED -> throw new IllegalStateException("final: " + i);
            }
        }
    }

    /** Queues an adopted task's next attempt again (it was ready when the run was adopted). */
    void requeue(int i, TaskRecord t) {
        WorkItem item = resolveForAdoption(i, t);
        if (item != null) {
            store.enqueue(item);
            tasks.queuedAttempt[i] = item.attempt();
        }
    }

    /** The task's next attempt as a work item, or null if it cannot be resolved (then the task failed). */
    @Nullable
    WorkItem resolveForAdoption(int i, TaskRecord t) {
        Map<String, String> upstream = tasks.context[i];
        try {
            WorkItem resolved = resolver.resolve(run, driver.spec(i), upstream == null ? Map.of() : upstream);
            return Attempts.withAttempt(resolved, t.attempts() + 1);
        } catch (GyreException e) {
            Failure why = new Failure("resolve", String.valueOf(e.getMessage()), false);
            store.updateTask(t.ended(TaskState.FAILED, null, clock.instant(), why, Map.of()));
            tasks.failed++;
            driver.markFinal(i, TaskState.FAILED, EventKind.TASK_FAILED, Attempts.failureData(why, 0, null));
            return null;
        }
    }
}
