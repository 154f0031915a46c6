package io.gyre.api;

import java.time.Instant;

/**
 * A live orchestrator as the store sees it.
 *
 * @param id the orchestrator
 * @param epoch its incarnation: 1 on its first join, one more each time it joins again after its membership
 *     expired or it left, so a member that was presumed dead can tell that it was
 * @param expiresAt the membership lapses after this instant unless it heartbeats again
 */
public record Member(OrchestratorId id, long epoch, Instant expiresAt) {}
