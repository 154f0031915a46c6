package io.gyre.core;

import io.gyre.api.Lease;
import io.gyre.api.RunId;
import io.gyre.api.StateStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Periodically releases leases whose workers stopped heartbeating; each becomes a {@code lease_expired}
 * completion in its run's inbox, and the run's driver is told.
 */
final class LeaseReaper implements AutoCloseable {
    private final StateStore store;
    private final InstantSource clock;
    private final Consumer<RunId> reaped;
    private final ScheduledFuture<?> task;

    LeaseReaper(
            StateStore store,
            InstantSource clock,
            ScheduledExecutorService timers,
            Duration every,
            Consumer<RunId> reaped) {
        this.store = store;
        this.clock = clock;
        this.reaped = reaped;
        this.task = timers.scheduleWithFixedDelay(
                this::reapOnce, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass: releases expired leases and notifies their runs. */
    void reapOnce() {
        Set<RunId> runs = new HashSet<>();
        for (Lease lease : store.reapExpiredLeases(clock.instant())) {
            runs.add(lease.item().run());
        }
        runs.forEach(reaped);
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
