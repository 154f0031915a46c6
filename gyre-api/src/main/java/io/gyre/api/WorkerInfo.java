package io.gyre.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a worker process tells the others about itself on each heartbeat.
 *
 * @param queues the queues it serves, as given on its command line (not the label-routed sub-queues)
 * @param labels what it offers, such as {@code gpu=true}; a task whose label requirements are a subset runs here
 * @param slots how many attempts it runs at once
 * @param running attempts running now, by the (routed) queue they were claimed from
 * @param expiresAt when it counts as gone unless it beats again
 */
public record WorkerInfo(
        WorkerId id,
        List<QueueName> queues,
        Map<String, String> labels,
        int slots,
        Map<QueueName, Integer> running,
        Instant expiresAt) {
    public WorkerInfo {
        queues = List.copyOf(queues);
        labels = Map.copyOf(new TreeMap<>(labels));
        running = Map.copyOf(running);
    }

    /** Whether this worker serves {@code queue} and offers every label in {@code required}. */
    public boolean serves(QueueName queue, Map<String, String> required) {
        if (!queues.contains(queue)) {
            return false;
        }
        for (Map.Entry<String, String> r : required.entrySet()) {
            if (!r.getValue().equals(labels.get(r.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
