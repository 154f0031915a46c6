package io.gyre.core;

import io.gyre.api.GyreException;
import io.gyre.api.RunId;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds an adopted run's task table from the task records as the store has them (ADR 0012): final tasks stay
 * final, every earlier attempt counts as a retry used (what was spent before is unknown: conservative), and the
 * open needs are counted again. It only computes; what to do with the tasks that are not final (enqueue again,
 * retry now, expand again, leave to their leases) the driver decides from the list it returns, in plan order.
 */
final class RunRebuild {
    /** A plan task that is not final and needs the driver's attention, with its record. */
    record Unfinished(int index, TaskRecord record) {}

    private RunRebuild() {}

    /**
     * Fills {@code table} from {@code stored} (every task record of the run; instances of dynamic sweeps are
     * ignored, they are rebuilt when their placeholder is expanded again) and returns the plan tasks that are not
     * final and either not pending or pending with every need final.
     *
     * @throws GyreException if a task of the plan is not in the store
     */
    static List<Unfinished> rebuild(Plan plan, RunId run, TaskTable table, List<TaskRecord> stored) {
        int n = plan.size();
        TaskRecord[] records = new TaskRecord[n];
        for (TaskRecord t : stored) {
            if (plan.contains(t.id())) {
                records[plan.indexOf(t.id())] = t;
            }
        }
        for (int i = 0; i < n; i++) {
            TaskRecord t = records[i];
            if (t == null) {
                throw new GyreException("task " + plan.task(i).id() + " of run " + run + " is not in the store; "
                        + "the run was created from another plan");
            }
            table.retriesUsed[i] = Math.max(0, t.attempts() - 1);
            table.attempts[i] = t.attempts();
            if (t.state().isFinal()) {
                table.finalState[i] = TaskTable.code(t.state());
                table.finished++;
                if (t.state() == TaskState.FAILED) {
                    table.failed++;
                }
                if (!t.outputs().isEmpty()) {
                    table.context[i] = t.outputs();
                }
            }
        }
        table.countOpenNeeds(plan);
        // Decide what to do with each task before doing any of it: a task that ends here (skipped, an empty
        // sweep) makes its dependents ready itself, and they must not be made ready a second time.
        List<Unfinished> act = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (table.finalState[i] == 0 && (records[i].state() != TaskState.PENDING || table.remaining[i] == 0)) {
                act.add(new Unfinished(i, records[i]));
            }
        }
        return act;
    }
}
