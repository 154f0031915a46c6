package io.gyre.api;

import java.time.Instant;

/**
 * A committed attempt, waiting in its run's inbox for the orchestrator that drives the run.
 *
 * @param item the attempt that ended
 * @param outcome how it ended; a lost lease arrives as a {@link TaskOutcome.Failed} of type {@code lease_expired}
 */
public record Completion(WorkItem item, TaskOutcome outcome, Instant at) {
    public static final String LEASE_EXPIRED = "lease_expired";

    public boolean leaseExpired() {
        return outcome instanceof TaskOutcome.Failed f && f.failure().type().equals(LEASE_EXPIRED);
    }
}
