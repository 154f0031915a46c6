package io.gyre.api;

import java.util.List;

/** The read path of Gyre's state, for status commands, APIs and UIs. Never used to make engine decisions. */
public interface StateQueries {
    List<TaskRecord> tasks(RunId run);

    /** Events with {@code seq > afterSeq}, oldest first, at most {@code limit}. */
    List<Event> events(RunId run, long afterSeq, int limit);

    /** Items waiting in a queue (claimed items are not counted). */
    long queueDepth(QueueName queue);

    /** Live leases over all queues. */
    long leaseCount();

    /**
     * Calls {@code listener} for each event appended to {@code run} from now on, in sequence order.
     *
     * @return closing it stops the calls
     */
    AutoCloseable subscribe(RunId run, EventListener listener);
}
