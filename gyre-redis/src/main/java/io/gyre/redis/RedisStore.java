package io.gyre.redis;

import io.gyre.api.Membership;
import io.gyre.api.StateQueries;
import io.gyre.api.StateStore;

/**
 * A state store kept in Redis, with its read view and orchestrator membership (ADR 0012). Several processes may use one Redis (and one key prefix) at
 * once: every write that touches more than one key is one Lua script, so each is atomic across processes.
 *
 * <p>Event listeners ({@link #subscribe}) run on the appending thread for events appended through this store
 * object, and on a feed thread for events appended by others; either way one at a time and in sequence order.
 */
public interface RedisStore extends StateStore, StateQueries, Membership {
    /** The key prefix this store writes under, such as {@code gyre:}. */
    String prefix();
}
