package io.gyre.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops a process and everything it started: SIGTERM to the whole tree, a grace period, then SIGKILL to
 * whatever is left, including processes forked meanwhile.
 *
 * <p>The tree is snapshotted before anything is signalled, because a child whose parent dies is re-parented
 * and no longer shows up as a descendant. Processes that moved to their own session or process group are still
 * descendants by parent pid, so they are found and killed too. What this cannot see: a process forked by a
 * tree member in the instant between the snapshot and that member's death (it is orphaned before the second
 * look) and processes that double-forked away before the snapshot. Only a cgroup or a sub-reaper closes that
 * gap; see docs/executors.md.
 *
 * <p>Waiting: the root is our child, so {@link Process#waitFor(long, TimeUnit)} wakes the moment it exits. The
 * other members are not our children and the OS offers no exit event for them (the JDK's own
 * {@code ProcessHandle.onExit} polls every 300 ms or more and counts zombies as alive), so they are polled
 * here, briefly and only during a kill. A zombie (dead, not yet reaped by its new parent, common when init in a
 * container does not reap or the JVM itself is PID 1) counts as dead.
 */
final class ProcessTreeKiller {
    private static final long FIRST_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Duration grace;

    ProcessTreeKiller(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the kill grace must be zero or positive, got " + grace);
        }
        this.grace = grace;
    }

    /**
     * Kills the tree rooted at {@code process} and returns the root's exit code (128 + signal when a signal
     * ended it). Blocks for at most the grace period plus the time SIGKILL takes. An interrupt cuts the grace
     * short but not the kill; the interrupt status is restored afterwards.
     */
    int kill(Process process) {
        // The root first, so that a shell does not react to its children's deaths by starting more work.
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroy);

        boolean interrupted = awaitDeath(process, tree);

        List<ProcessHandle> survivors = new ArrayList<>();
        for (ProcessHandle handle : tree) {
            if (isRunning(handle)) {
                survivors.add(handle);
                handle.descendants().forEach(survivors::add);
            }
        }
        survivors.forEach(ProcessHandle::destroyForcibly);

        while (true) {
            try {
                int exit = process.waitFor();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return exit;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    /** Waits up to the grace period for the tree to die; returns whether the wait was interrupted. */
    private boolean awaitDeath(Process root, Set<ProcessHandle> tree) {
        if (!grace.isPositive()) {
            return false;
        }
        // A monotonic deadline for a bounded wait, like Process.waitFor(timeout) keeps internally.
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            if (!root.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            return true;
        }
        List<ProcessHandle> pending = new ArrayList<>(tree);
        long pause = FIRST_POLL_NANOS;
        while (true) {
            pending.removeIf(handle -> !isRunning(handle));
            long left = deadline - System.nanoTime();
            if (pending.isEmpty() || left <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(pause, left));
            if (Thread.interrupted()) {
                return true;
            }
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
        }
    }

    /** Alive and not a zombie. Without /proc (not Linux) the JDK's view is all there is. */
    static boolean isRunning(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(
                    Path.of("/proc", Long.toString(handle.pid()), "stat"), StandardCharsets.ISO_8859_1);
            // pid (comm) state ...: comm may contain spaces and parentheses, so look after the last ')'.
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return handle.isAlive();
        }
    }
}
