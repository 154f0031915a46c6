package io.gyre.cli;

import io.gyre.api.GyreException;
import io.gyre.redis.RedisStores;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the state lives, as given by {@code --store} or {@code GYRE_STORE}: {@code memory} (this process only),
 * {@code embedded} (a Redis that {@code gyre server} starts under {@code --data-dir}), or
 * {@code redis://[user:pass@]host:port[/db]} / {@code rediss://...} (an external Redis).
 */
sealed interface StoreUrl {
    String ENV = "GYRE_STORE";
    String FORMS = "memory, embedded, redis://[user:password@]host[:port][/db] or rediss://...";

    /** State in this process only: an orchestrator and a worker in one {@code gyre server}, nothing else. */
    record Memory() implements StoreUrl {}

    /** The bundled Redis, started by {@code gyre server} and found by other commands through the data dir. */
    record Embedded() implements StoreUrl {}

    /** An external Redis. */
    record Redis(String url, String shown) implements StoreUrl {}

    /** Parses a store URL, with an error that says what is accepted. */
    static StoreUrl parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new GyreException("the store URL is empty; use one of " + FORMS);
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("memory")) {
            return new Memory();
        }
        if (lower.equals("embedded")) {
            return new Embedded();
        }
        if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
            return new Redis(t, RedisStores.check(t));
        }
        int colon = t.indexOf(':');
        String scheme = colon > 0 ? t.substring(0, colon) : t;
        throw new GyreException("the store URL '" + (colon > 0 ? scheme + ":..." : t) + "' is not one Gyre knows; use"
                + " one of " + FORMS);
    }

    /** {@code --store} if given, else {@code GYRE_STORE}, else {@code embedded}. */
    static StoreUrl resolve(@Nullable String option, Map<String, String> env) {
        if (option != null) {
            return parse(option);
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            try {
                return parse(fromEnv);
            } catch (GyreException e) {
                throw new GyreException(ENV + ": " + e.getMessage(), e);
            }
        }
        return new Embedded();
    }
}
