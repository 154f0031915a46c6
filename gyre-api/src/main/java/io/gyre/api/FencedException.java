package io.gyre.api;

/**
 * A driver wrote to a run under a fencing token that is no longer the run's current one: another orchestrator
 * claimed the run since. Nothing of the write was stored; the driver must stop driving the run.
 */
public final class FencedException extends GyreException {
    private static final long serialVersionUID = 1L;

    private final RunFence fence;
    private final long current;

    public FencedException(RunFence fence, long current) {
        super("orchestrator " + fence.owner() + " no longer drives run " + fence.run() + ": its fencing token "
                + fence.token() + " was superseded by " + current
                + " (another orchestrator claimed the run); nothing was written, stop driving it");
        this.fence = fence;
        this.current = current;
    }

    /** The fence the refused write carried. */
    public RunFence fence() {
        return fence;
    }

    /** The run's current token when the write was refused (0 if the run was never claimed). */
    public long current() {
        return current;
    }
}
