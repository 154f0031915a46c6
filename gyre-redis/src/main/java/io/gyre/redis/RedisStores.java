package io.gyre.redis;

import io.gyre.api.GyreException;
import java.net.URI;
import java.time.InstantSource;
import java.util.regex.Pattern;

/** Connects state stores kept in Redis. */
public final class RedisStores {
    /** The key prefix used when none is given. */
    public static final String DEFAULT_PREFIX = "gyre:";

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.:\\-{}]{1,64}");

    private RedisStores() {}

    /** {@link #connect(URI, String, InstantSource)} with the {@link #DEFAULT_PREFIX}. */
    public static RedisStore connect(URI url, InstantSource clock) {
        return connect(url, DEFAULT_PREFIX, clock);
    }

    /**
     * Connects to the Redis at {@code url} and checks that it answers, loading the store's scripts.
     *
     * @param url {@code redis://[user:password@]host[:port][/db]}, or {@code rediss://...} for TLS
     * @param prefix the start of every key and channel the store uses, such as {@code gyre:}; stores with
     *     different prefixes on one server do not see each other
     * @param clock the source of timestamps and of lease expiry (Redis's own clock is never used, so every
     *     process must have a reasonably synchronized clock); waiting uses the JVM's monotonic timer
     * @throws GyreException if the URL is not usable or the server cannot be reached, saying which
     */
    public static RedisStore connect(URI url, String prefix, InstantSource clock) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new GyreException("the Redis key prefix '" + prefix + "' is not valid: use 1 to 64 letters, digits"
                    + " and _ . : - { }, such as gyre: or gyre-test:");
        }
        return RedisStateStore.open(RedisEndpoint.parse(url), prefix, clock);
    }

    /** Like {@link #connect(URI, String, InstantSource)}, reporting a malformed URL string clearly. */
    public static RedisStore connect(String url, String prefix, InstantSource clock) {
        RedisEndpoint endpoint = RedisEndpoint.parse(url);
        if (!PREFIX.matcher(prefix).matches()) {
            return connect(URI.create(url), prefix, clock); // reports the prefix
        }
        return RedisStateStore.open(endpoint, prefix, clock);
    }

    /**
     * Connects the cluster registry (announced runs, cancel requests, live workers) kept beside the store at
     * {@code url} under {@code prefix}; see {@link #connect(URI, String, InstantSource)} for the arguments.
     */
    public static io.gyre.api.ClusterRegistry registry(String url, String prefix, InstantSource clock) {
        RedisEndpoint endpoint = RedisEndpoint.parse(url);
        if (!PREFIX.matcher(prefix).matches()) {
            connect(URI.create(url), prefix, clock); // reports the prefix
        }
        return RedisRegistry.open(endpoint, prefix, clock);
    }

    /**
     * Checks a Redis URL without connecting; returns it as shown in messages (the password hidden).
     *
     * @throws GyreException saying what is wrong and how to write it
     */
    public static String check(String url) {
        return RedisEndpoint.parse(url).display();
    }
}
