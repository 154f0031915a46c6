package io.gyre.api;

/**
 * A worker tried to heartbeat or complete a task with a lease that is no longer current: it expired, was
 * reaped, or the task was claimed again. The result of that execution is not committed.
 */
public final class StaleLeaseException extends GyreException {
    private static final long serialVersionUID = 1L;

    public StaleLeaseException(Lease lease, String why) {
        super("lease " + lease.token() + " on " + lease.item().run().value() + "/"
                + lease.item().task().value() + " is stale (" + why + "); its result is discarded");
    }
}
