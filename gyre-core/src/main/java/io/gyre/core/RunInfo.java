package io.gyre.core;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code run.json} holds: the run's identity and state and everything needed to resume it with the same
 * resolved context.
 *
 * @param params the bound parameter values, rendered
 * @param context the run's resolved context (params, flow context and {@code --set} overrides, macros expanded)
 * @param targets the {@code --target} tasks, empty for the whole flow
 * @param createdAt ISO-8601 instant; macros such as {@code ${DATE}} use it on resume too
 */
public record RunInfo(
        String id,
        String flow,
        String source,
        String state,
        String createdAt,
        @Nullable String endedAt,
        Map<String, String> params,
        Map<String, String> context,
        Map<String, String> overrides,
        List<String> targets,
        int tasks) {

    public io.gyre.api.RunId runId() {
        return io.gyre.api.RunId.of(id);
    }
}
