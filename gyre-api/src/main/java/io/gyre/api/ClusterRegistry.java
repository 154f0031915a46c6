package io.gyre.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The small shared records that let separate processes find each other's work: which runs were submitted and
 * are not yet retired (so an orchestrator picks them up), which runs a user asked to cancel (so the orchestrator
 * and the workers running their attempts stop them), and which workers are alive with what queues and labels
 * (so a task no live worker can serve is reported, and pools can be sized).
 *
 * <p>Kept apart from {@link StateStore} because none of it takes part in the engine's transitions: a lost
 * record here delays a run or a report, it never commits a result twice. Implementations: in-memory (one
 * process) and Redis; every implementation runs {@code ClusterRegistryContract} from {@code gyre-testkit}.
 */
public interface ClusterRegistry extends AutoCloseable {
    /** Records that {@code run} exists in the store and wants an orchestrator; idempotent. */
    void announceRun(RunId run);

    /** Runs announced and not yet retired, oldest announcement first. */
    List<RunId> announcedRuns();

    /** Forgets an ended run: it leaves {@link #announcedRuns} and its cancel request is dropped. */
    void retireRun(RunId run);

    /** Asks whoever drives or runs {@code run} to cancel it; the first reason given is kept. */
    void requestCancel(RunId run, String reason);

    /** Open cancel requests, by run. */
    Map<RunId, String> cancelRequests();

    /** Registers or refreshes a worker until {@link WorkerInfo#expiresAt()}. */
    void beat(WorkerInfo worker);

    /** Workers whose last beat has not expired at {@code now}, by id; expired ones are forgotten. */
    List<WorkerInfo> liveWorkers(Instant now);

    /** Removes a worker at once (it is shutting down). */
    void leave(WorkerId worker);

    @Override
    void close();
}
