package io.gyre.api;

import java.time.Instant;

/**
 * A worker's time-limited hold on one claimed work item. Only the current token can heartbeat or complete it.
 */
public record Lease(WorkItem item, WorkerId worker, String token, Instant expiresAt) {}
