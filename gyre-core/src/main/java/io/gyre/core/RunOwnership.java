package io.gyre.core;

import io.gyre.api.GyreException;
import io.gyre.api.Member;
import io.gyre.api.Membership;
import io.gyre.api.OrchestratorId;
import io.gyre.api.Rendezvous;
import io.gyre.api.RunFence;
import io.gyre.api.RunId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One orchestrator's membership and the runs it owns (ADR 0012): every third of the membership ttl it
 * heartbeats, reads the live members and the runs that need a driver, and for each run computes the
 * {@link Rendezvous} owner. A run it owns and does not hold yet is claimed, and on a granted claim handed to
 * {@link Driving#adopt}; a run it holds but no longer owns (a member joined, or this one lapsed) is handed to
 * {@link Driving#release}. The store's fencing makes a late or missed release harmless: the new owner's claim
 * refuses the old driver's next write.
 *
 * <p>{@link #tick} runs one pass; passes never overlap (they run on the timer thread, or on the caller's thread
 * under the same monitor). A pass that fails (the store is unreachable) is logged and the next one tries
 * again; if the store stays unreachable for a whole ttl, this member lapses and survivors adopt its runs.
 */
public final class RunOwnership implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RunOwnership.class.getName());

    /** What the orchestrator does when it gains or loses a run. Called on the pass's thread, one at a time. */
    public interface Driving {
        /** Start driving {@code fence.run()} through {@code membership.fenced(fence)}, e.g. {@link Engine#adopt}. */
        void adopt(RunFence fence);

        /** Stop driving {@code run} without writing (another member owns it now), e.g. {@link Engine#release}. */
        void release(RunId run);
    }

    private final Membership membership;
    private final OrchestratorId self;
    private final Duration ttl;
    private final Driving driving;
    private final Map<RunId, RunFence> held = new ConcurrentHashMap<>();
    private final @org.jspecify.annotations.Nullable ScheduledFuture<?> beats;
    private volatile boolean stopped;

    private RunOwnership(
            Membership membership,
            OrchestratorId self,
            Duration ttl,
            Driving driving,
            @org.jspecify.annotations.Nullable ScheduledExecutorService timers) {
        if (ttl.toMillis() < 3) {
            throw new GyreException("the membership ttl must be at least 3 ms, not " + ttl);
        }
        this.membership = membership;
        this.self = self;
        this.ttl = ttl;
        this.driving = driving;
        long every = ttl.toMillis() / 3;
        this.beats = timers == null
                ? null
                : timers.scheduleWithFixedDelay(this::tickQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Joins the membership and keeps it: a pass every third of {@code ttl} on {@code timers}, the first one now.
     */
    public static RunOwnership start(
            Membership membership,
            OrchestratorId self,
            Duration ttl,
            ScheduledExecutorService timers,
            Driving driving) {
        return new RunOwnership(membership, self, ttl, driving, timers);
    }

    /** Without a timer: the caller runs each pass with {@link #tick} (tests, and callers with their own loop). */
    public static RunOwnership manual(Membership membership, OrchestratorId self, Duration ttl, Driving driving) {
        return new RunOwnership(membership, self, ttl, driving, null);
    }

    public OrchestratorId self() {
        return self;
    }

    /** The runs this member holds a fence for and has handed to {@link Driving#adopt}. */
    public Set<RunId> held() {
        return Set.copyOf(held.keySet());
    }

    /** The fence this member holds for {@code run}, if any. */
    public Optional<RunFence> fence(RunId run) {
        return Optional.ofNullable(held.get(run));
    }

    /**
     * Forgets a run whose driver stopped on its own (fenced, failed, or the run ended): the next pass claims it
     * again if this member still owns it and it still needs a driver.
     */
    public void lost(RunId run) {
        held.remove(run);
    }

    /** As {@link #lost(RunId)}, but only if {@code fence} is still the one held (not a newer claim of the run). */
    public void lost(RunFence fence) {
        held.remove(fence.run(), fence);
    }

    /** One pass: heartbeat, then adopt the runs gained and release the runs lost. */
    public synchronized void tick() {
        if (stopped) {
            return;
        }
        membership.heartbeat(self, ttl);
        List<OrchestratorId> live = new ArrayList<>();
        for (Member m : membership.liveMembers()) {
            live.add(m.id());
        }
        Set<RunId> active = new HashSet<>(membership.activeRuns());
        for (RunId run : List.copyOf(held.keySet())) {
            if (!active.contains(run)) {
                held.remove(run); // ended: its driver completed
            } else if (!Rendezvous.owner(run, live).map(self::equals).orElse(false)) {
                held.remove(run);
                driving.release(run);
            }
        }
        for (RunId run : active) {
            if (held.containsKey(run)
                    || !Rendezvous.owner(run, live).map(self::equals).orElse(false)) {
                continue;
            }
            Optional<RunFence> granted = membership.claimRun(run, self);
            if (granted.isEmpty()) {
                continue; // ended meanwhile, or the store's view of the members differs for a moment
            }
            held.put(run, granted.get());
            try {
                driving.adopt(granted.get());
            } catch (RuntimeException e) {
                held.remove(run);
                LOG.log(System.Logger.Level.WARNING, "orchestrator " + self + " could not adopt run " + run, e);
            }
        }
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            // The next pass tries again; a ttl without a successful pass lets this member lapse, which is safe.
            LOG.log(System.Logger.Level.WARNING, "orchestrator " + self + " membership pass failed: " + e.getMessage());
        }
    }

    /**
     * Stops heartbeating without leaving or releasing anything, as a crashed or paused process would: survivors
     * adopt its runs after the ttl, and fencing refuses this member's drivers from then on.
     */
    public synchronized void halt() {
        stopped = true;
        if (beats != null) {
            beats.cancel(false);
        }
    }

    /** Stops, releases every held run and leaves the membership, so survivors adopt the runs at once. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        halt();
        for (RunId run : List.copyOf(held.keySet())) {
            held.remove(run);
            driving.release(run);
        }
        try {
            membership.leave(self);
        } catch (RuntimeException e) {
            // The membership lapses after the ttl anyway.
        }
    }
}
