package io.gyre.core;

import io.gyre.api.Membership;
import io.gyre.api.StateQueries;
import io.gyre.api.StateStore;
import java.time.InstantSource;

/** Factories for the state stores that live in this module. */
public final class Stores {
    private Stores() {}

    /**
     * A store for one process: the store {@code gyre run} uses. It implements {@link StateQueries} and
     * {@link Membership} too (so that several orchestrators in one JVM can share it, as tests do).
     *
     * @param clock the source of timestamps (events, leases, completions) and of lease expiry; waiting uses the
     *     JVM's monotonic timer, not this clock
     */
    public static InMemoryStore inMemory(InstantSource clock) {
        return new InMemoryStateStore(clock);
    }

    /** A cluster registry for one process (the {@code memory} store URL: orchestrator and worker in one JVM). */
    public static io.gyre.api.ClusterRegistry inMemoryRegistry() {
        return new InMemoryRegistry();
    }

    /**
     * The combined view of an in-memory store.
     *
     * <p>Event listeners registered with {@link #subscribe} run on the appending thread while the store's lock
     * is held, which is what keeps them in sequence order. They may read the store and even append (the lock is
     * re-entrant and nested appends are delivered after the current event), but they must be quick and must
     * never wait for another thread that uses the store.
     */
    public interface InMemoryStore extends StateStore, StateQueries, Membership {}
}
