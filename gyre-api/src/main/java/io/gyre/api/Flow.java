package io.gyre.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A flow as declared: parameters, context and tasks in declaration order, and how published results merge (first
 * matching entry wins; {@link MergeSpec#DEFAULT} otherwise). A flow is a value; planning turns it into a graph and
 * a run.
 */
public record Flow(
        String name,
        String description,
        List<ParamSpec> params,
        Map<String, String> context,
        List<TaskSpec> tasks,
        List<MergeSpec> merge) {
    public Flow {
        params = List.copyOf(params);
        context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
        tasks = List.copyOf(tasks);
        merge = List.copyOf(merge);
    }

    public Flow(
            String name,
            String description,
            List<ParamSpec> params,
            Map<String, String> context,
            List<TaskSpec> tasks) {
        this(name, description, params, context, tasks, List.of());
    }

    /** How the result {@code name} merges. */
    public MergeSpec mergeOf(String resultName) {
        for (MergeSpec m : merge) {
            if (m.matches(resultName)) {
                return m;
            }
        }
        return MergeSpec.DEFAULT;
    }

    public static Flow of(String name, List<TaskSpec> tasks) {
        return new Flow(name, "", List.of(), Map.of(), tasks);
    }
}
