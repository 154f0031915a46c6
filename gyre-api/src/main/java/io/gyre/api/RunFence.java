package io.gyre.api;

/**
 * The right to drive one run: granted by {@link Membership#claimRun}, valid until the next claim of the run.
 * Tokens of a run only grow, so the store can refuse every write made under an older one.
 *
 * @param run the run
 * @param owner the orchestrator that claimed it
 * @param token the fencing token, 1 for the first claim of the run and one more for each claim after it
 */
public record RunFence(RunId run, OrchestratorId owner, long token) {
    public RunFence {
        if (token < 1) {
            throw new GyreException("a fencing token is at least 1, not " + token);
        }
    }
}
