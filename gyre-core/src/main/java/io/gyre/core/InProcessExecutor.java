package io.gyre.core;

import io.gyre.api.Action;
import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.Failure;
import io.gyre.api.JavaTask;
import io.gyre.api.TaskLaunch;
import io.gyre.api.TaskOutcome;
import java.util.Map;
import java.util.TreeSet;

/**
 * Runs registered {@link JavaTask}s on the calling thread. The success path is one map lookup and the task
 * call: the outcome the task returns is passed through untouched, so the executor allocates nothing itself.
 */
final class InProcessExecutor implements Executor {
    private final Map<String, JavaTask> tasks;

    InProcessExecutor(Map<String, JavaTask> tasks) {
        this.tasks = Map.copyOf(tasks);
    }

    @Override
    public boolean supports(Action action) {
        return action instanceof Action.Java;
    }

    @Override
    public TaskOutcome execute(TaskLaunch launch, Cancellation cancel) {
        if (!(launch.action() instanceof Action.Java(String name))) {
            return new TaskOutcome.Failed(
                    1,
                    new Failure(
                            "unsupported-action",
                            "the in-process executor runs only Java actions, not " + launch.action(),
                            false));
        }
        JavaTask task = tasks.get(name);
        if (task == null) {
            return new TaskOutcome.Failed(
                    1,
                    new Failure(
                            "unknown-task",
                            "no Java task named '" + name + "' is registered; registered: "
                                    + new TreeSet<>(tasks.keySet()),
                            false));
        }
        TaskOutcome outcome;
        try {
            outcome = task.run(launch, cancel);
        } catch (Exception e) { // any exception of the task is an outcome, never the worker's problem
            outcome = new TaskOutcome.Failed(1, new Failure("exception", describe(e), true));
        }
        // A failure after cancellation is most likely the task reacting to it: report the cancellation.
        if (!(outcome instanceof TaskOutcome.Succeeded) && cancel.isCancelled()) {
            return Cancellations.outcome(outcome.exitCode(), cancel, launch);
        }
        return outcome;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getName() : e.getClass().getName() + ": " + message;
    }
}
