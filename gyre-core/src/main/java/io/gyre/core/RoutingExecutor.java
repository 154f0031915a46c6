package io.gyre.core;

import io.gyre.api.Action;
import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.Failure;
import io.gyre.api.TaskLaunch;
import io.gyre.api.TaskOutcome;
import java.util.List;

/** Delegates each attempt to the first executor that supports its action. */
final class RoutingExecutor implements Executor {
    private final List<Executor> executors;

    RoutingExecutor(List<Executor> executors) {
        this.executors = List.copyOf(executors);
    }

    @Override
    public boolean supports(Action action) {
        for (Executor executor : executors) {
            if (executor.supports(action)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public TaskOutcome execute(TaskLaunch launch, Cancellation cancel) {
        Action action = launch.action();
        for (Executor executor : executors) {
            if (executor.supports(action)) {
                return executor.execute(launch, cancel);
            }
        }
        return new TaskOutcome.Failed(
                1,
                new Failure(
                        "no-executor",
                        "no executor can run " + kind(action) + " action of task " + launch.task()
                                + "; configured executors: " + executors,
                        false));
    }

    private static String kind(Action action) {
        return switch (action) {
            case Action.Shell shell -> "a shell";
            case Action.Command command -> "a command";
            case Action.Java java -> "a Java";
        };
    }
}
