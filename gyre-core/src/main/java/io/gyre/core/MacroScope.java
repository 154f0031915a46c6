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
 * @param point {@code REPLICA} and {@code SEED} of a sweep instance with replicas ({@code ${REPLICA}},
 *     {@code ${SEED}}); empty otherwise
 */
public record MacroScope(
        RunId run,
        Instant runStart,
        RandomGenerator random,
        Map<String, ParamValue> params,
        Map<String, String> context,
        Map<String, String> environment,
        Map<String, String> point) {
    public MacroScope {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        point = Map.copyOf(point);
    }

    /** A scope outside any sweep instance. */
    public MacroScope(
            RunId run,
            Instant runStart,
            RandomGenerator random,
            Map<String, ParamValue> params,
            Map<String, String> context,
            Map<String, String> environment) {
        this(run, runStart, random, params, context, environment, Map.of());
    }

    /** The same scope over another context (e.g. the context as a task sees it, with upstream additions). */
    public MacroScope withContext(Map<String, String> newContext) {
        return new MacroScope(run, runStart, random, params, newContext, environment, point);
    }

    /** The scope of a sweep instance: its point values override parameters; {@code point} holds REPLICA and SEED. */
    public MacroScope withPoint(Map<String, ParamValue> pointParams, Map<String, String> pointValues) {
        return new MacroScope(run, runStart, random, pointParams, context, environment, pointValues);
    }
}
