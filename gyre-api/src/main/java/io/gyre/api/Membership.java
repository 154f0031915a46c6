package io.gyre.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Orchestrator membership and run ownership with fencing, kept in the state store so that several
 * orchestrators can share the runs of one store (ADR 0012).
 *
 * <p>Membership is by heartbeat: a member is live while the store's clock is not past its {@code expiresAt}.
 * Each run that is not final belongs to one live member, chosen by {@link Rendezvous} hashing of the run id
 * over the live members. {@link #claimRun} grants a member the right to drive a run, as a {@link RunFence}
 * whose token is greater than every token granted for that run before; it is granted only to the run's
 * rendezvous owner among the live members, so a dead (or superseded) owner's runs move to a survivor.
 *
 * <p>A driver writes through {@link #fenced}: every write it makes for the run (task and run updates,
 * enqueues, events, and taking completions) carries the token, and the store refuses it with
 * {@link FencedException}, storing nothing, once the run has been claimed again. So two orchestrators never
 * both drive a run, even when one of them was paused (GC, partition) across the hand-over.
 *
 * <p>Completions taken through a fenced view stay "in flight" until the next fenced take of the run; a claim
 * puts a previous owner's in-flight completions back at the head of the inbox, so a completion taken by an
 * owner that lost the run before recording it is delivered to the next owner. Drivers therefore ignore a
 * completion whose task is no longer running at that attempt (the previous owner recorded it).
 */
public interface Membership {
    /**
     * Joins (or stays in) the membership until {@code now + ttl}. Returns the member; its epoch grows when it
     * joins again after its membership lapsed or it left.
     */
    Member heartbeat(OrchestratorId id, Duration ttl);

    /** Leaves the membership at once, so that survivors claim this member's runs without waiting for its ttl. */
    void leave(OrchestratorId id);

    /** The live members, ordered by id. */
    List<Member> liveMembers();

    /**
     * Grants {@code claimant} the right to drive {@code run} under a new fencing token, if the claimant is live,
     * the run is not final and the claimant is the run's {@link Rendezvous} owner among the live members;
     * otherwise returns empty and changes nothing. A granted claim supersedes every earlier fence of the run.
     *
     * @throws NotFoundException if the run does not exist
     */
    Optional<RunFence> claimRun(RunId run, OrchestratorId claimant);

    /** The run's latest fence, if it was ever claimed. */
    Optional<RunFence> fence(RunId run);

    /**
     * Runs that need a driver: every run whose state is not final (pending or running), ordered by id. A new
     * owner enumerates them to adopt the runs it owns.
     */
    List<RunId> activeRuns();

    /**
     * The store as the driver holding {@code fence} sees it: writes for {@code fence.run()} carry the fencing
     * token and are refused with {@link FencedException} once it is stale; writes for other runs are refused
     * as misuse; reads and worker operations (claim, heartbeat, complete, reap) pass through unchanged.
     * Closing the view does not close the store.
     */
    StateStore fenced(RunFence fence);
}
