package io.gyre.core;

import io.gyre.api.Action;
import io.gyre.api.RunId;
import io.gyre.api.TaskId;
import io.gyre.api.TaskLaunch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Builds launches whose files live in one temporary directory, the way the worker lays them out. */
final class Launches {
    private final Path dir;
    private final Path workDir;

    Launches(Path dir) {
        this.dir = dir;
        this.workDir = dir.resolve("work");
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TaskLaunch of(Action action) {
        return of(action, Map.of(), 1, null);
    }

    TaskLaunch of(Action action, Map<String, String> env) {
        return of(action, env, 1, null);
    }

    TaskLaunch of(Action action, Map<String, String> env, int attempt, @Nullable Duration timeout) {
        Map<String, String> all = new HashMap<>(env);
        all.put("GYRE_OUTPUT", outputFile().toString());
        return new TaskLaunch(
                RunId.of("run-1"),
                TaskId.of("task"),
                attempt,
                action,
                all,
                workDir,
                stdout(),
                stderr(),
                outputFile(),
                timeout);
    }

    Path workDir() {
        return workDir;
    }

    Path stdout() {
        return dir.resolve("stdout.log");
    }

    Path stderr() {
        return dir.resolve("stderr.log");
    }

    Path outputFile() {
        return dir.resolve("outputs.env");
    }

    String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
