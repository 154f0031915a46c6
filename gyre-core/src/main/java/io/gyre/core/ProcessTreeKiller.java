package io.gyre.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 */
final class ProcessTreeKiller {
    private final Duration grace;

    ProcessTreeKiller(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the kill grace must be zero or positive, got " + grace);
        }
        this.grace = grace;
    }

    /**
     * Kills the tree rooted at {@code process} and returns the root's exit code (128 + signal when a signal
     * ended it). Blocks for at most the grace period plus the time SIGKILL takes; ignores interrupts while doing
     * so and restores the interrupt status afterwards, so that no process outlives a cancelled attempt.
     */
    int kill(Process process) {
        boolean interrupted = false;
        // The root first, so a shell does not react to its children's deaths by starting more work.
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroy);

        if (grace.isPositive()) {
            interrupted = awaitExit(tree);
        }
        List<ProcessHandle> survivors = new ArrayList<>();
        for (ProcessHandle handle : tree) {
            if (handle.isAlive()) {
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

    /** Waits up to the grace period for every process of the tree to exit; returns whether it was interrupted. */
    private boolean awaitExit(Set<ProcessHandle> tree) {
        CompletableFuture<?>[] exits = new CompletableFuture<?>[tree.size()];
        int i = 0;
        for (ProcessHandle handle : tree) {
            exits[i++] = handle.onExit();
        }
        try {
            CompletableFuture.allOf(exits).get(grace.toNanos(), TimeUnit.NANOSECONDS);
            return false;
        } catch (TimeoutException | ExecutionException e) {
            return false; // survivors get SIGKILL next
        } catch (InterruptedException e) {
            return true; // stop waiting: SIGKILL now, report the interrupt afterwards
        }
    }
}
