package io.gyre.core;

import io.gyre.api.EventKind;
import io.gyre.api.RunId;
import io.gyre.api.TaskId;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import io.gyre.api.VersionConflictException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Cancels a run's tasks for its {@link RunDriver}: those not yet running end cancelled at once, and if any is
 * running the run's attempts are asked to stop (their completions then end them cancelled). The driver keeps the
 * run's {@code cancelling} flag, which it reads on every decision, and ends the run when the last task is final.
 * Called only from the driver's drain (ADR 0003).
 */
final class RunCancellation {
    private final RunDriver driver;
    private final SweepDriver sweepDriver;
    private final Plan plan;
    private final RunId run;
    private final BatchedWrites store;
    private final InstantSource clock;
    private final TaskTable tasks;
    private final Consumer<RunId> cancelRunning;

    RunCancellation(
            RunDriver driver,
            SweepDriver sweepDriver,
            Plan plan,
            RunId run,
            BatchedWrites store,
            InstantSource clock,
            TaskTable tasks,
            Consumer<RunId> cancelRunning) {
        this.driver = driver;
        this.sweepDriver = sweepDriver;
        this.plan = plan;
        this.run = run;
        this.store = store;
        this.clock = clock;
        this.tasks = tasks;
        this.cancelRunning = cancelRunning;
    }

    /** Cancels every task that is not final: those waiting now, the running ones through {@code cancelRunning}. */
    void cancelTasks(String reason) {
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
    }

    /** Cancels a task that has not started running; false if it is running (its attempt must be stopped). */
    private boolean tryCancelWaiting(int i, String reason) {
        TaskId id = driver.spec(i).id();
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
                    driver.emit(EventKind.TASK_CANCELLED, id, Map.of("reason", reason));
                    if (i >= plan.size()) {
                        sweepDriver.instanceEnded(i, false);
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
}
