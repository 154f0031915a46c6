package io.gyre.testkit;

import io.gyre.api.GyreException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that moves only when a test moves it. Thread-safe; time never goes backwards. */
public final class ManualClock implements InstantSource {
    private final AtomicReference<Instant> now;

    /** A clock reading {@code start} until it is advanced. */
    public ManualClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** A clock reading 2026-01-01T00:00:00Z until it is advanced. */
    public ManualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    /** Moves the clock forward by {@code step} and returns the new instant. */
    public Instant advance(Duration step) {
        if (step.isNegative()) {
            throw new GyreException("a manual clock only moves forward; " + step + " is negative");
        }
        return now.updateAndGet(t -> t.plus(step));
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + "]";
    }
}
