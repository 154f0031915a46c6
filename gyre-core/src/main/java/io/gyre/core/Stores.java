package io.gyre.core;

import io.gyre.api.StateQueries;
import io.gyre.api.StateStore;
import java.time.InstantSource;

/** Factories for the state stores that live in this module. */
public final class Stores {
    private Stores() {}

    /** A store for one process: the store {@code gyre run} uses. It implements {@link StateQueries} too. */
    public static InMemoryStore inMemory(InstantSource clock) {
        return new InMemoryStore(clock);
    }

    /** The combined view of an in-memory store. */
    public interface InMemoryStore extends StateStore, StateQueries {}
}
