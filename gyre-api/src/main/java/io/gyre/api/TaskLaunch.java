package io.gyre.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything an executor needs to run one attempt.
 *
 * @param env the complete environment for the task (context, task env, GYRE_* variables); executors add
 *     nothing but a minimal inherited base (PATH, HOME, ...)
 * @param workDir the directory the task runs in: created by the worker before a process starts; an in-process
 *     {@link Action.Java} task that writes files creates it first ({@code Files.createDirectories(workDir)})
 * @param outputFile the file named by {@code $GYRE_OUTPUT}, where the task appends {@code KEY=value} lines
 */
public record TaskLaunch(
        RunId run,
        TaskId task,
        int attempt,
        Action action,
        Map<String, String> env,
        Path workDir,
        Path stdout,
        Path stderr,
        Path outputFile,
        @Nullable Duration timeout) {
    public TaskLaunch {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    public Optional<Duration> timeoutOf() {
        return Optional.ofNullable(timeout);
    }
}
