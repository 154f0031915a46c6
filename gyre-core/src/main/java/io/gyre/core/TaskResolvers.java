package io.gyre.core;

import io.gyre.api.Action;
import io.gyre.api.RunId;
import io.gyre.api.TaskSpec;
import io.gyre.api.WorkItem;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The resolvers the engine offers. */
public final class TaskResolvers {
    private TaskResolvers() {}

    /**
     * No macro expansion: the environment is the run context, then upstream outputs, then the task's env.
     * Used for flows built in Java, where values are already final.
     */
    public static TaskResolver plain(Map<String, String> context) {
        return (RunId run, TaskSpec task, Map<String, String> upstream) -> {
            Map<String, String> env;
            if (upstream.isEmpty() && task.env().isEmpty()) {
                env = context;
            } else {
                env = new HashMap<>(context);
                env.putAll(upstream);
                env.putAll(task.env());
            }
            return new WorkItem(run, task.id(), 1, task.action(), env, task.timeout(), task.queue(), task.labels());
        };
    }

    /**
     * Expands macros when a task becomes ready. The task's environment is, later entries winning: the run's
     * context, context published by upstream tasks, the task's {@code env:}, then the submit-time {@code --set}
     * overrides. {@code run:} scripts get macros as variable references (see {@link Macros#expandScript}), so a
     * value can never be executed as shell code.
     */
    public static TaskResolver macros(MacroScope scope, Map<String, String> overrides) {
        Map<String, String> fixed = Map.copyOf(overrides);
        return (RunId run, TaskSpec task, Map<String, String> upstream) -> {
            Map<String, String> ctx = new LinkedHashMap<>(scope.context());
            ctx.putAll(upstream);
            MacroScope seen = scope.withContext(ctx);
            Map<String, String> env = new LinkedHashMap<>(ctx);
            task.env().forEach((k, v) -> env.put(k, Macros.expand(v, seen)));
            env.putAll(fixed);
            Action action = switch (task.action()) {
                case Action.Shell sh -> {
                    ShellScript script = Macros.expandScript(sh.script(), seen);
                    env.putAll(script.env());
                    yield new Action.Shell(script.script());
                }
                case Action.Command cmd ->
                    new Action.Command(
                            cmd.argv().stream().map(a -> Macros.expand(a, seen)).toList());
                case Action.Java j -> j;
            };
            return new WorkItem(run, task.id(), 1, action, env, task.timeout(), task.queue(), task.labels());
        };
    }
}
