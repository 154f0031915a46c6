package io.gyre.cli;

import io.gyre.api.GyreException;
import io.gyre.api.RunId;
import io.gyre.core.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a run directory from what a user typed: a directory, or a run id looked up under the local runs
 * directory ({@code gyre run --runs-dir}, default {@code ./runs}) and then under the shared data directory's
 * {@code runs/} (distributed mode, {@code --data-dir}).
 */
final class RunDirs {
    private RunDirs() {}

    static RunDirectory locate(String arg, Path runsDir, Path dataDir) {
        Path given = Path.of(arg);
        if (Files.isDirectory(given) || arg.contains("/") || !isRunId(arg)) {
            return RunDirectory.open(given);
        }
        List<Path> tried = new ArrayList<>();
        for (Path candidate :
                List.of(runsDir.resolve(arg), dataDir.resolve("runs").resolve(arg))) {
            if (Files.isDirectory(candidate)) {
                return RunDirectory.open(candidate);
            }
            tried.add(candidate);
        }
        throw new GyreException("no run directory for run " + arg + ": looked in " + tried.get(0) + " and "
                + tried.get(1) + "; pass the run directory itself (such as runs/<run-id>), or --runs-dir DIR or"
                + " --data-dir DIR where the run was made");
    }

    private static boolean isRunId(String s) {
        try {
            RunId.of(s);
            return true;
        } catch (GyreException e) {
            return false;
        }
    }
}
