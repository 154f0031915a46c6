package io.gyre.core;

import io.gyre.api.GyreException;
import io.gyre.api.TaskLaunch;
import io.gyre.api.WorkItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The attempt setups the engine offers. */
public final class AttemptSetups {
    private static final Path DEV_NULL = Path.of("/dev/null");

    private AttemptSetups() {}

    /**
     * For in-process runs without a run directory: one shared scratch directory, logs and outputs discarded.
     */
    public static AttemptSetup scratch() {
        Path dir;
        try {
            dir = Files.createTempDirectory("gyre-scratch-");
            dir.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new GyreException("cannot create a scratch directory: " + e.getMessage(), e);
        }
        Path work = dir;
        return item -> new TaskLaunch(
                item.run(),
                item.task(),
                item.attempt(),
                item.action(),
                withGyreVars(item, work, DEV_NULL),
                work,
                DEV_NULL,
                DEV_NULL,
                DEV_NULL,
                item.timeout());
    }

    /** The task's environment plus {@code GYRE_RUN_ID}, {@code GYRE_TASK_ID}, {@code GYRE_ATTEMPT}, ... */
    static Map<String, String> withGyreVars(WorkItem item, Path workDir, Path outputFile) {
        Map<String, String> env = new LinkedHashMap<>(item.env());
        env.put("GYRE_RUN_ID", item.run().value());
        env.put("GYRE_TASK_ID", item.task().value());
        env.put("GYRE_ATTEMPT", Integer.toString(item.attempt()));
        env.put("GYRE_WORKDIR", workDir.toString());
        env.put("GYRE_OUTPUT", outputFile.toString());
        return env;
    }
}
