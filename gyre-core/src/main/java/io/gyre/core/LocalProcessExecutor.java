package io.gyre.core;

import io.gyre.api.Action;
import io.gyre.api.Cancellation;
import io.gyre.api.Executor;
import io.gyre.api.Failure;
import io.gyre.api.TaskLaunch;
import io.gyre.api.TaskOutcome;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs shell scripts and argv commands as local child processes.
 *
 * <p>The hot path is one {@link ProcessBuilder} (its environment map is the only copy made), file redirects so
 * that no thread pumps output, and {@link Process#waitFor()}. Cancellation interrupts the waiting thread, which
 * then kills the process tree itself: the thread that fires the cancellation (a scheduler) never blocks on a
 * kill, and nothing walks the process table unless an attempt is cancelled.
 */
final class LocalProcessExecutor implements Executor {
    /** The parent variables a task inherits; everything else comes from the launch. */
    static final List<String> INHERITED =
            List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR", "TERM", "SHELL");

    /** The exit code shells use for "command not found"; reported when a process cannot be started. */
    static final int SPAWN_FAILED = 127;

    private static final File DEV_NULL = new File("/dev/null");

    private final Map<String, String> baseEnv;
    private final ProcessTreeKiller killer;
    private final String bash;

    LocalProcessExecutor(Map<String, String> parentEnv, Duration killGrace) {
        Map<String, String> base = new LinkedHashMap<>();
        for (String name : INHERITED) {
            String value = parentEnv.get(name);
            if (value != null) {
                base.put(name, value);
            }
        }
        this.baseEnv = Map.copyOf(base);
        this.killer = new ProcessTreeKiller(killGrace);
        this.bash = findBash(parentEnv.get("PATH"));
    }

    @Override
    public boolean supports(Action action) {
        return action instanceof Action.Shell || action instanceof Action.Command;
    }

    @Override
    public TaskOutcome execute(TaskLaunch launch, Cancellation cancel) {
        List<String> argv;
        switch (launch.action()) {
            case Action.Shell(String script) ->
                argv = List.of(bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", script);
            case Action.Command(List<String> command) -> argv = command;
            case Action.Java java -> {
                return new TaskOutcome.Failed(
                        1,
                        new Failure(
                                "unsupported-action",
                                "the local process executor cannot run Java task '" + java.name()
                                        + "'; register it with the in-process executor",
                                false));
            }
        }
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(launch.workDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.stdout().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(launch.stderr().toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(baseEnv);
        try {
            env.putAll(launch.env());
        } catch (IllegalArgumentException e) { // a name with '=' or a NUL anywhere: the OS cannot take it
            return spawnFailure(argv.get(0), "invalid environment: " + e.getMessage());
        }
        if (launch.attempt() > 1) {
            try {
                writeAttemptHeader(launch);
            } catch (IOException e) {
                return spawnFailure(argv.get(0), "could not write to its log files: " + e);
            }
        }

        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return spawnFailure(argv.get(0), launch.workDir(), e);
        }

        CancelSignal signal = new CancelSignal(Thread.currentThread());
        cancel.onCancel(signal);
        int exitCode;
        boolean killed = false;
        try {
            exitCode = process.waitFor();
        } catch (InterruptedException e) {
            exitCode = killer.kill(process);
            killed = true;
        }
        boolean fired = signal.stop();
        if (fired && !killed) {
            // The signal came after the process had exited: swallow its interrupt, report the real outcome.
            Thread.interrupted();
        } else if (killed && !fired) {
            // Interrupted by someone else (the worker shutting down): the tree is dead, pass the interrupt on.
            Thread.currentThread().interrupt();
        }
        if (killed) {
            return Cancellations.outcome(exitCode, cancel, launch);
        }
        if (exitCode != 0) {
            return new TaskOutcome.Failed(exitCode, Failure.exit(exitCode));
        }
        return OutputFile.successOf(exitCode, launch.outputFile());
    }

    private static void writeAttemptHeader(TaskLaunch launch) throws IOException {
        String header = "--- attempt " + launch.attempt() + " ---\n";
        Files.writeString(
                launch.stdout(), header, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (!launch.stderr().equals(launch.stdout())) {
            Files.writeString(
                    launch.stderr(),
                    header,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static TaskOutcome spawnFailure(String program, Path workDir, IOException e) {
        if (!Files.isDirectory(workDir)) {
            return spawnFailure(program, "the working directory " + workDir + " does not exist");
        }
        // ProcessBuilder wraps the OS error ("error=2, No such file or directory") in "Cannot run program".
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return spawnFailure(program, String.valueOf(cause.getMessage()));
    }

    private static TaskOutcome spawnFailure(String program, String reason) {
        return new TaskOutcome.Failed(
                SPAWN_FAILED, new Failure("spawn", "could not start '" + program + "': " + reason, false));
    }

    /** Resolves bash once, so that each spawn does not search PATH; falls back to letting the OS search. */
    private static String findBash(@Nullable String path) {
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, "bash");
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return "bash";
    }

    /**
     * The cancellation callback of one attempt: interrupts the waiting thread, once, and never after the
     * attempt has stopped waiting.
     */
    private static final class CancelSignal implements Runnable {
        private final Thread waiter;
        private boolean stopped;
        private boolean fired;

        CancelSignal(Thread waiter) {
            this.waiter = waiter;
        }

        @Override
        public synchronized void run() {
            if (!stopped && !fired) {
                fired = true;
                waiter.interrupt();
            }
        }

        /** Disarms the signal; returns whether it fired (and so may have interrupted the waiter). */
        synchronized boolean stop() {
            stopped = true;
            return fired;
        }
    }
}
