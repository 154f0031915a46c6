package io.gyre.core;

import java.util.List;
import java.util.Map;

/**
 * One worker pool: a queue and a set of label requirements, with the work waiting and running in it, the live
 * workers that serve it and how many it should have ({@link PoolScaling}).
 *
 * @param routedQueue the store queue its items wait in ({@link QueueRouting#route})
 */
public record PoolStatus(
        String queue,
        Map<String, String> labels,
        String routedQueue,
        long depth,
        long running,
        List<String> workers,
        int desiredWorkers) {
    public PoolStatus {
        labels = Map.copyOf(labels);
        workers = List.copyOf(workers);
    }

    /** The document {@code gyre pools --output json} prints. */
    public static String toJson(List<PoolStatus> pools) {
        try {
            return Json.MAPPER.writeValueAsString(pools);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new io.gyre.api.GyreException("cannot render pools: " + e.getMessage(), e);
        }
    }

    /** {@code queue=gpu labels gpu=true}. */
    public String describe() {
        return describe(queue, labels);
    }

    static String describe(String queue, Map<String, String> labels) {
        StringBuilder b = new StringBuilder("queue=").append(queue);
        if (!labels.isEmpty()) {
            b.append(" labels ");
            List<String> parts = new java.util.ArrayList<>();
            new java.util.TreeMap<>(labels).forEach((k, v) -> parts.add(k + "=" + v));
            b.append(String.join(",", parts));
        }
        return b.toString();
    }
}
