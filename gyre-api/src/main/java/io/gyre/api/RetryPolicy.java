package io.gyre.api;

/**
 * How often and how soon a failed task is tried again.
 *
 * @param maxRetries retries after the first attempt (0: run once)
 */
public record RetryPolicy(int maxRetries, Backoff backoff) {
    public static final RetryPolicy NONE = new RetryPolicy(0, Backoff.NONE);

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new GyreException("retries.max must be 0 or more, not " + maxRetries);
        }
    }

    /** Whether a failure of {@code attempt} (1-based) may be retried. */
    public boolean allowsRetryAfter(int attempt, Failure failure) {
        return failure.retryable() && attempt <= maxRetries;
    }
}
