package io.gyre.core;

import io.gyre.api.Action;
import io.gyre.api.ParamValue;
import io.gyre.api.RunId;
import io.gyre.api.Sweep;
import io.gyre.api.SweepPoint;
import io.gyre.api.TaskSpec;
import io.gyre.api.WorkItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
     * overrides; a sweep instance's variables ({@code LR}, {@code GYRE_POINT}, ...) sit just below the task's
     * {@code env:}, and its values override parameters of the same name. {@code run:} scripts get macros as variable references (see {@link Macros#expandScript}), so a
     * value can never be executed as shell code.
     */
    public static TaskResolver macros(MacroScope scope, Map<String, String> overrides) {
        Map<String, String> fixed = Map.copyOf(overrides);
        return (RunId run, TaskSpec task, Map<String, String> upstream) -> {
            Map<String, String> ctx = new LinkedHashMap<>(scope.context());
            SweepPoint point = task.point();
            MacroScope base = scope;
            Map<String, String> pointEnv = Map.of();
            if (point != null) {
                base = pointScope(scope, point, ctx);
                pointEnv = pointEnv(point);
            }
            ctx.putAll(upstream);
            MacroScope seen = base.withContext(ctx);
            Map<String, String> env = new LinkedHashMap<>(ctx);
            env.putAll(pointEnv);
            task.env().forEach((k, v) -> env.put(k, Macros.expand(v, seen)));
            env.putAll(fixed);
            Action action = switch (task.action()) {
                case Action.Shell sh -> {
                    ShellScript script = Macros.expandScript(sh.script(), seen);
                    env.putAll(script.env());
                    yield new Action.Shell(script.script());
                }
                case Action.Command cmd -> {
                    List<String> argv = new ArrayList<>(cmd.argv().size());
                    cmd.argv().forEach(a -> argv.add(Macros.expand(a, seen)));
                    if (point != null && point.sweep().args() == Sweep.Args.HYDRA) {
                        argv.addAll(HydraArgs.overrides(point));
                    }
                    yield new Action.Command(argv);
                }
                case Action.Java j -> j;
            };
            return new WorkItem(run, task.id(), 1, action, env, task.timeout(), task.queue(), task.labels());
        };
    }

    /**
     * The scope of a sweep instance: each point value overrides the parameter of the same name (a dotted key
     * {@code model.depth} is {@code ${params.model_depth}}), also in the context when the flow declares that
     * parameter; {@code ${REPLICA}} and {@code ${SEED}} resolve when the sweep has replicas.
     */
    private static MacroScope pointScope(MacroScope scope, SweepPoint point, Map<String, String> ctx) {
        Map<String, ParamValue> params = new LinkedHashMap<>(scope.params());
        List<String> keys = point.sweep().keys();
        for (int i = 0; i < keys.size(); i++) {
            String name = MatrixReader.paramName(keys.get(i));
            String value = point.values().get(i);
            if (params.containsKey(name)) {
                ctx.put(name, value);
            }
            params.put(name, new ParamValue.Text(value));
        }
        Map<String, String> macros = point.sweep().replicas() > 0
                ? Map.of("REPLICA", Integer.toString(point.replica()), "SEED", Long.toString(point.seed()))
                : Map.of();
        return scope.withPoint(params, macros);
    }

    /** The variables of a sweep instance: one per key ({@code LR}, {@code MODEL_DEPTH}) and the sweep's own. */
    private static Map<String, String> pointEnv(SweepPoint point) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> keys = point.sweep().keys();
        for (int i = 0; i < keys.size(); i++) {
            env.put(MatrixReader.envName(keys.get(i)), point.values().get(i));
        }
        env.put("GYRE_SWEEP", point.sweep().task().value());
        env.put("GYRE_POINT", Integer.toString(point.number()));
        env.put("GYRE_POINT_HASH", point.hash());
        if (point.sweep().replicas() > 0) {
            env.put("REPLICA", Integer.toString(point.replica()));
            env.put("SEED", Long.toString(point.seed()));
        }
        return env;
    }
}
