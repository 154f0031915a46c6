package io.gyre.core;

import io.gyre.api.RunId;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Everything an {@link Engine} needs to create or resume a run.
 *
 * @param context the run's resolved context (exposed to every task as environment variables)
 * @param resolver turns each ready task into its work item
 * @param setup prepares each attempt's files and {@code GYRE_*} variables
 * @param fanOutFiles where dynamic sweeps read their lists and record their expansions
 */
public record RunSpec(
        RunId id,
        Plan plan,
        Instant createdAt,
        Map<String, String> context,
        TaskResolver resolver,
        AttemptSetup setup,
        FanOutFiles fanOutFiles) {
    public RunSpec {
        context = Map.copyOf(context);
    }

    /** A run without dynamic sweep files (a dynamic sweep fails: it finds no list). */
    public RunSpec(
            RunId id,
            Plan plan,
            Instant createdAt,
            Map<String, String> context,
            TaskResolver resolver,
            AttemptSetup setup) {
        this(id, plan, createdAt, context, resolver, setup, FanOutFiles.inMemory(Map.of()));
    }

    /** The same run with {@code files} for its dynamic sweeps. */
    public RunSpec withFanOutFiles(FanOutFiles files) {
        return new RunSpec(id, plan, createdAt, context, resolver, setup, files);
    }

    /**
     * A run for embedding: a generated id, the flow's context as given, macros not expanded, and no files
     * (attempts get a scratch directory; logs are discarded).
     */
    public static RunSpec of(Plan plan, Instant now) {
        RunId id = RunId.generate(now, new SplittableRandom());
        Map<String, String> context = plan.flow().context();
        return new RunSpec(id, plan, now, context, TaskResolvers.plain(context), AttemptSetups.scratch());
    }
}
