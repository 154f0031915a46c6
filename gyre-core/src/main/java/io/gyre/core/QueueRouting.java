package io.gyre.core;

import io.gyre.api.GyreException;
import io.gyre.api.QueueName;
import io.gyre.api.WorkItem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How label requirements reach the right workers through plain store queues. A task in queue {@code q} with
 * no label requirements goes to {@code q}; one with requirements {@code L} goes to the sub-queue
 * {@code q[labels-<hash of L>]}. A worker serving queues {@code Q} with labels {@code W} claims from the
 * sub-queue of every subset of {@code W} for every queue in {@code Q}, most specific first, so it only ever pops
 * items whose requirements it satisfies: no skipping, no returning, no polling. The cost is {@code 2^|W|}
 * queues per served queue, hence the limit of {@link #MAX_WORKER_LABELS} labels on a worker.
 */
public final class QueueRouting {
    /** A worker offers at most this many labels (it then claims from up to 2^8 sub-queues per queue). */
    public static final int MAX_WORKER_LABELS = 8;

    private QueueRouting() {}

    /** The queue holding items of {@code queue} that require {@code labels}. */
    public static QueueName route(QueueName queue, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return queue;
        }
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(labels)
                .forEach((k, v) -> canonical
                        .append(k.length())
                        .append(':')
                        .append(k)
                        .append(v.length())
                        .append(':')
                        .append(v));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            String h = HexFormat.of().formatHex(d, 0, 6);
            return QueueName.of(queue.value() + "[labels-" + h + "]");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The item with its queue replaced by its routed queue (idempotent for an item routed already). */
    public static WorkItem routed(WorkItem item) {
        QueueName q = route(item.queue(), item.labels());
        return q.equals(item.queue())
                ? item
                : new WorkItem(
                        item.run(),
                        item.task(),
                        item.attempt(),
                        item.action(),
                        item.env(),
                        item.timeout(),
                        q,
                        item.labels());
    }

    /** Every queue a worker with these queues and labels claims from, in preference order. */
    public static List<QueueName> served(List<QueueName> queues, Map<String, String> labels) {
        if (labels.size() > MAX_WORKER_LABELS) {
            throw new GyreException("a worker offers at most " + MAX_WORKER_LABELS + " labels, not " + labels.size()
                    + " (" + String.join(",", new TreeMap<>(labels).keySet()) + ")");
        }
        List<Map.Entry<String, String>> entries = new ArrayList<>(new TreeMap<>(labels).entrySet());
        int n = entries.size();
        List<Integer> masks = new ArrayList<>();
        for (int m = 0; m < (1 << n); m++) {
            masks.add(m);
        }
        // most specific first: an item only this worker's labels can serve goes before one anyone can serve
        masks.sort((a, b) -> Integer.compare(Integer.bitCount(b), Integer.bitCount(a)));
        List<QueueName> out = new ArrayList<>();
        for (QueueName q : queues) {
            for (int m : masks) {
                Map<String, String> subset = new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    if ((m & (1 << i)) != 0) {
                        subset.put(entries.get(i).getKey(), entries.get(i).getValue());
                    }
                }
                out.add(route(q, subset));
            }
        }
        return out;
    }
}
