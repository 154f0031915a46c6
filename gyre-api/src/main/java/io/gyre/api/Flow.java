package io.gyre.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A flow as declared: parameters, context and tasks in declaration order. A flow is a value; planning turns it
 * into a graph and a run.
 */
public record Flow(
        String name, String description, List<ParamSpec> params, Map<String, String> context, List<TaskSpec> tasks) {
    public Flow {
        params = List.copyOf(params);
        context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
        tasks = List.copyOf(tasks);
    }

    public static Flow of(String name, List<TaskSpec> tasks) {
        return new Flow(name, "", List.of(), Map.of(), tasks);
    }
}
