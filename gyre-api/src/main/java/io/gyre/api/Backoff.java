package io.gyre.api;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The delay before a retry, as a function of the attempt that failed (1-based), jitter included.
 *
 * @param jitter a fraction in [0, 1]: the delay is drawn uniformly from {@code [d * (1 - jitter), d]}
 */
public record Backoff(Kind kind, Duration delay, Duration maxDelay, double jitter) {
    /** How the base delay grows with the attempt number. */
    public enum Kind {
        FIXED,
        EXPONENTIAL
    }

    public static final Backoff NONE = new Backoff(Kind.FIXED, Duration.ZERO, Duration.ZERO, 0);

    public Backoff {
        if (delay.isNegative() || maxDelay.isNegative()) {
            throw new GyreException("backoff delays must not be negative");
        }
        if (jitter < 0 || jitter > 1) {
            throw new GyreException("backoff jitter must be between 0 and 1, not " + jitter);
        }
    }

    /** The delay after failed attempt {@code attempt} (1 for the first attempt). */
    public Duration delayAfter(int attempt, RandomGenerator random) {
        long base = delay.toMillis();
        if (kind == Kind.EXPONENTIAL) {
            int shift = Math.min(Math.max(attempt - 1, 0), 30);
            base = base > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base << shift;
        }
        long cap = maxDelay.isZero() ? Long.MAX_VALUE : maxDelay.toMillis();
        long capped = Math.min(base, cap);
        if (jitter > 0 && capped > 0) {
            long low = (long) (capped * (1 - jitter));
            capped = low + (long) (random.nextDouble() * (capped - low + 1));
            capped = Math.min(capped, Math.min(base, cap));
        }
        return Duration.ofMillis(capped);
    }
}
