package io.gyre.redis;

import io.gyre.api.Event;
import io.gyre.api.EventListener;
import io.gyre.api.RunId;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * One listener on one run's events, delivered in sequence order, each exactly once, from the seq after the one
 * current when it subscribed.
 *
 * <p>Two paths feed it. Events appended through this store are handed over by the appending thread, which
 * delivers them before its append returns (as the in-memory store does). Events appended by other processes are
 * announced on the run's pub/sub channel ({@code {prefix}feed:{run}}, message = last seq); a virtual thread with
 * its own connection listens and reads what it has not delivered from the run's event list. Either path only
 * raises the "wanted" seq; whoever holds the lock delivers up to it, reading any gap from Redis, so the two
 * never reorder or repeat an event. A listener that appends is delivered its own event after the current one.
 */
final class EventSubscription implements AutoCloseable {
    /** Reads up to {@code limit} events after {@code afterSeq}. */
    interface Reader {
        List<Event> after(long afterSeq, int limit);
    }

    private static final System.Logger LOG = System.getLogger(EventSubscription.class.getName());
    private static final int BATCH = 512;

    private final RunId run;
    private final EventListener listener;
    private final Reader reader;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, Event> handedOver = new TreeMap<>();
    private long delivered;
    private long wanted;
    private boolean delivering;
    private volatile boolean closed;
    private final Jedis feed;

    EventSubscription(RunId run, EventListener listener, long lastSeq, Reader reader, Jedis feed) {
        this.run = run;
        this.listener = listener;
        this.reader = reader;
        this.delivered = lastSeq;
        this.wanted = lastSeq;
        this.feed = feed;
    }

    /** Starts listening on {@code channel}; once subscribed, catches up to {@code currentSeq}. */
    void start(String channel, LongSupplier currentSeq) {
        Thread.ofVirtual().name("gyre-redis-feed-" + run).start(() -> {
            try {
                feed.subscribe(
                        new JedisPubSub() {
                            @Override
                            public void onSubscribe(String ch, int count) {
                                advanceTo(currentSeq.getAsLong()); // events appended before the subscription took
                            }

                            @Override
                            public void onMessage(String ch, String message) {
                                advanceTo(Long.parseLong(message));
                            }
                        },
                        channel);
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "the event feed of run " + run + " stopped; events appended by other processes will not"
                                    + " reach its listener (events appended through this store still do)",
                            e);
                }
            }
        });
    }

    /** Events of this run that the calling thread just appended; delivered before this returns. */
    void handOver(List<Event> events) {
        lock.lock();
        try {
            for (Event e : events) {
                if (e.seq() > delivered) {
                    handedOver.put(e.seq(), e);
                }
            }
            advanceTo(events.get(events.size() - 1).seq());
        } finally {
            lock.unlock();
        }
    }

    void advanceTo(long seq) {
        lock.lock();
        try {
            wanted = Math.max(wanted, seq);
            if (delivering || closed) {
                return; // a listener appended: the loop further up this thread's stack delivers it in order
            }
            delivering = true;
            try {
                while (delivered < wanted && !closed) {
                    Event next = handedOver.remove(delivered + 1);
                    if (next != null) {
                        deliver(next);
                        continue;
                    }
                    List<Event> read = reader.after(delivered, (int) Math.min(BATCH, wanted - delivered));
                    if (read.isEmpty()) {
                        break;
                    }
                    for (Event e : read) {
                        if (closed) {
                            break;
                        }
                        handedOver.remove(e.seq());
                        deliver(e);
                    }
                }
                handedOver.headMap(delivered, true).clear();
            } finally {
                delivering = false;
            }
        } finally {
            lock.unlock();
        }
    }

    private void deliver(Event e) {
        delivered = e.seq();
        try {
            listener.onEvent(e);
        } catch (RuntimeException failure) {
            // The event is committed; one broken listener must not stop the feed.
            LOG.log(System.Logger.Level.WARNING, "event listener on run " + run + " failed on seq " + e.seq(), failure);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        feed.close(); // ends the subscribe loop on the feed thread
    }
}
