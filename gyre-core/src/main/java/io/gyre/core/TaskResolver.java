package io.gyre.core;

import io.gyre.api.RunId;
import io.gyre.api.TaskSpec;
import io.gyre.api.WorkItem;
import java.util.Map;

/**
 * Turns a declared task into its first attempt's work item when the task becomes ready: macros expanded,
 * environment merged in precedence order. Throws {@link io.gyre.api.GyreException} when the task cannot be
 * resolved (for example a {@code ${ctx.K}} that no upstream task produced); the engine fails the task.
 */
@FunctionalInterface
public interface TaskResolver {
    /**
     * @param upstream context entries published by the task's upstream tasks (via {@code $GYRE_OUTPUT})
     */
    WorkItem resolve(RunId run, TaskSpec task, Map<String, String> upstream);
}
