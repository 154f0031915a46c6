package io.gyre.api;

/** An attempt's outcome with the lease it ran under: one entry of {@link StateStore#completeAll}. */
public record LeaseOutcome(Lease lease, TaskOutcome outcome) {}
