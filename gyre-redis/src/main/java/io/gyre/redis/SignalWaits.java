package io.gyre.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * Waits for a signal on any of a few Redis lists ({@code BLPOP}) without busy polling, and so that the waiting
 * thread can be interrupted.
 *
 * <p>A blocking command holds its connection, so each wait borrows a dedicated connection (kept for reuse) and
 * runs {@code BLPOP} on a virtual thread while the caller parks on a future. Interrupting the caller, closing
 * the store, or a wait that outlives its bound kills that connection on the server ({@code CLIENT KILL ID}, so
 * it can take no signal afterwards, whether its {@code BLPOP} had arrived yet or not); since it may have taken
 * one just before, {@code restore} then puts the signals back. A spurious signal costs a waiter one extra look;
 * a lost one would cost a missed wake-up.
 */
final class SignalWaits implements AutoCloseable {
    /** How long past its own timeout a BLPOP may take before the connection is presumed dead. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final RedisEndpoint endpoint;
    private final UnifiedJedis control;
    private final Consumer<List<byte[]>> restore;
    private final ArrayDeque<Waiter> idle = new ArrayDeque<>();
    private final Set<Waiter> busy = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** A dedicated connection and its server-side client id. */
    private record Waiter(Jedis jedis, long id) {}

    SignalWaits(RedisEndpoint endpoint, UnifiedJedis control, Consumer<List<byte[]>> restore) {
        this.endpoint = endpoint;
        this.control = control;
        this.restore = restore;
    }

    /**
     * Waits up to {@code wait} for one of {@code keys} to hold a signal and consumes it.
     *
     * @return true if a signal came; false on timeout, interrupt (the interrupt flag stays set) or close
     */
    boolean await(List<byte[]> keys, Duration wait) {
        long nanos = wait.toNanos();
        if (closed || nanos <= 0) {
            return false;
        }
        Waiter waiter = borrow();
        CompletableFuture<Boolean> signalled = new CompletableFuture<>();
        // Redis times blocked clients out on its cron tick (100 ms at the default hz), so the server-side timeout
        // is only a backstop; the precise bound is ours, and CLIENT UNBLOCK ends the BLPOP when it passes.
        double backstopSeconds = Math.ceil(TimeUnit.NANOSECONDS.toMillis(nanos) + 1000) / 1000.0;
        Thread.ofVirtual().name("gyre-redis-wait").start(() -> {
            try {
                signalled.complete(waiter.jedis().blpop(backstopSeconds, keys.toArray(byte[][]::new)) != null);
            } catch (RuntimeException e) {
                signalled.completeExceptionally(e);
            }
        });
        boolean healthy = false;
        try {
            try {
                boolean result = signalled.get(nanos, TimeUnit.NANOSECONDS);
                healthy = true;
                return result;
            } catch (TimeoutException e) {
                unblock(waiter);
                boolean result = signalled.get(GRACE_NANOS, TimeUnit.NANOSECONDS);
                healthy = true;
                return result; // a signal that came just before the unblock is still a signal
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            if (closed) {
                return false;
            }
            Throwable cause = e.getCause();
            throw Failures.translate(cause == null ? e : cause, endpoint);
        } catch (TimeoutException e) {
            return false;
        } finally {
            busy.remove(waiter);
            if (healthy && !closed) {
                release(waiter);
            } else {
                kill(waiter);
                if (!closed) {
                    restore.accept(keys);
                }
            }
        }
    }

    /** Ends the waiter's BLPOP as if it had timed out (a no-op if it is not blocked at that moment). */
    private void unblock(Waiter w) {
        try {
            control.sendCommand(Protocol.Command.CLIENT, "UNBLOCK", Long.toString(w.id()));
        } catch (RuntimeException e) {
            // The grace period below, then killing the connection, covers this.
        }
    }

    private Waiter borrow() {
        Waiter w;
        synchronized (idle) {
            w = idle.pollFirst();
        }
        if (w == null) {
            try {
                Jedis jedis = new Jedis(endpoint.address(), endpoint.config());
                w = new Waiter(jedis, jedis.clientId());
            } catch (RuntimeException e) {
                throw Failures.translate(e, endpoint);
            }
        }
        busy.add(w);
        return w;
    }

    private void release(Waiter w) {
        synchronized (idle) {
            idle.addFirst(w);
        }
    }

    /** Removes the connection on the server first, so that no signal can reach it once this returns. */
    private void kill(Waiter w) {
        try {
            control.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", Long.toString(w.id()));
        } catch (RuntimeException e) {
            // The server is gone or the client already is; closing our end is all that is left to do.
        }
        w.jedis().close();
    }

    @Override
    public void close() {
        closed = true;
        for (Waiter w : busy) {
            kill(w);
        }
        synchronized (idle) {
            idle.forEach(w -> w.jedis().close());
            idle.clear();
        }
    }
}
