package io.gyre.redis;

import io.gyre.api.GyreException;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Turns Redis client exceptions into Gyre's, saying what failed, where, and what to do. */
final class Failures {
    private Failures() {}

    static GyreException translate(Throwable e, RedisEndpoint endpoint) {
        if (e instanceof GyreException g) {
            return g;
        }
        if (e instanceof JedisAccessControlException) {
            return new GyreException(
                    "Redis at " + endpoint.display() + " refused the login (" + e.getMessage()
                            + "); check the user and password in the store URL",
                    e);
        }
        if (e instanceof JedisConnectionException) {
            return new GyreException(
                    "cannot talk to Redis at " + endpoint.display() + " (" + rootMessage(e)
                            + "); check that redis-server is running there and that the store URL is right",
                    e);
        }
        if (e instanceof JedisDataException && String.valueOf(e.getMessage()).startsWith("NOAUTH")) {
            return new GyreException(
                    "Redis at " + endpoint.display() + " requires a password; put it in the store"
                            + " URL as redis://:password@host:port",
                    e);
        }
        return new GyreException("Redis at " + endpoint.display() + " failed: " + e.getMessage(), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t;
    }
}
