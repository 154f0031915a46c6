package io.gyre.core;

import io.gyre.api.ParamValue;
import io.gyre.api.RunId;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * What macros of one run resolve against.
 *
 * @param run the run ({@code ${RUN_ID}})
 * @param runStart the run's creation time; {@code ${DATE}}, {@code ${TIME}} and {@code ${DATETIME}} render it in
 *     UTC, so every task of a run sees the same values however long the run takes
 * @param random draws {@code ${RANDOM:n}} (seed it to make a run reproducible)
 * @param params bound parameter values ({@code ${params.x}})
 * @param context the run's context ({@code ${ctx.KEY}})
 * @param environment the environment macros may read ({@code ${env.NAME}}); pass only what tasks may see
 */
public record MacroScope(
        RunId run,
        Instant runStart,
        RandomGenerator random,
        Map<String, ParamValue> params,
        Map<String, String> context,
        Map<String, String> environment) {
    public MacroScope {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    /** The same scope over another context (e.g. the context as a task sees it, with upstream additions). */
    public MacroScope withContext(Map<String, String> newContext) {
        return new MacroScope(run, runStart, random, params, newContext, environment);
    }
}
