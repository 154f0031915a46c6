package io.gyre.core;

import io.gyre.api.TaskState;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The run driver's per-task state, in arrays indexed by plan position; indexes {@code >= plan.size()} are dynamic
 * sweep instances (ADR 0010), appended as sweeps expand. Like the driver that owns it, it is touched only by the
 * drainer (ADR 0003), so it has no synchronization; the fields are open to the driver and its collaborators
 * ({@link RunStart}, {@link RunRebuild}, {@link SweepDriver}, {@link RunCancellation}) because they are its
 * working memory, not an API.
 */
final class TaskTable {
    /** A final state as stored in {@link #finalState}: 0 while the task is not final. */
    static final byte SUCCEEDED = code(TaskState.SUCCEEDED);

    static final byte CANCELLED = code(TaskState.CANCELLED);

    /** Tasks known so far: the plan's, then the instances of expanded sweeps. */
    int size;
    /** Needs not yet final; for an expanded sweep's placeholder, its instances not yet final. */
    int[] remaining;

    byte[] finalState;
    /** Tasks with a need that did not succeed. */
    final BitSet badUpstream;
    /** The outputs a task sees from upstream (and, once it succeeded, its own); null if none. */
    @Nullable
    Map<String, String>[] context;

    int[] leaseLosses;
    int[] retriesUsed;
    /** Attempts started per task as the store has them (claims raise it; a completion tells the driver). */
    int[] attempts;
    /** The attempt the driver queued and has not seen complete (0 if none): its completion needs no re-read. */
    int[] queuedAttempt;
    /** Tasks final, and of them failed. */
    int finished;

    int failed;

    @SuppressWarnings("unchecked")
    TaskTable(int n) {
        this.size = n;
        this.remaining = new int[n];
        this.finalState = new byte[n];
        this.badUpstream = new BitSet(n);
        this.retriesUsed = new int[n];
        this.context = (Map<String, String>[]) new Map<?, ?>[n];
        this.leaseLosses = new int[n];
        this.attempts = new int[n];
        this.queuedAttempt = new int[n];
    }

    static byte code(TaskState state) {
        return (byte) (state.ordinal() + 1);
    }

    /** Makes room for {@code capacity} tasks, growing by half at least so that repeated sweeps stay amortised. */
    void grow(int capacity) {
        if (capacity <= remaining.length) {
            return;
        }
        int to = Math.max(capacity, remaining.length + (remaining.length >> 1));
        remaining = Arrays.copyOf(remaining, to);
        finalState = Arrays.copyOf(finalState, to);
        context = Arrays.copyOf(context, to);
        leaseLosses = Arrays.copyOf(leaseLosses, to);
        retriesUsed = Arrays.copyOf(retriesUsed, to);
        attempts = Arrays.copyOf(attempts, to);
        queuedAttempt = Arrays.copyOf(queuedAttempt, to);
    }

    /** Adds the outputs {@code need} sees to those {@code task} sees, sharing the map when it can. */
    void inherit(int task, int need) {
        Map<String, String> upstream = context[need];
        if (upstream == null) {
            return;
        }
        Map<String, String> mine = context[task];
        if (mine == null || mine == upstream) {
            context[task] = upstream;
        } else {
            Map<String, String> merged = new HashMap<>(mine);
            merged.putAll(upstream);
            context[task] = merged;
        }
    }

    /**
     * Counts the open needs of the plan's non-final tasks, marking those with a need that ended otherwise than
     * succeeded and inheriting the outputs of the needs that are final: the state a started, resumed or adopted
     * run begins from.
     */
    void countOpenNeeds(Plan plan) {
        for (int i = 0; i < plan.size(); i++) {
            if (finalState[i] != 0) {
                continue;
            }
            int open = 0;
            for (int k = 0; k < plan.needCount(i); k++) {
                int need = plan.need(i, k);
                if (finalState[need] == 0) {
                    open++;
                } else {
                    if (finalState[need] != SUCCEEDED) {
                        badUpstream.set(i);
                    }
                    inherit(i, need);
                }
            }
            remaining[i] = open;
        }
    }

    boolean allSucceeded() {
        for (int i = 0; i < size; i++) {
            if (finalState[i] != SUCCEEDED) {
                return false;
            }
        }
        return true;
    }
}
