package io.gyre.core;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;

/**
 * A run's status in distributed mode: {@link RunStatus} (the same fields as {@code gyre status RUN_DIR}) plus
 * the ready tasks waiting for a kind of worker nobody runs, so a run is never silently stuck.
 */
public record ClusterRunStatus(@JsonUnwrapped RunStatus run, List<WaitingTask> waiting) {
    public ClusterRunStatus {
        waiting = List.copyOf(waiting);
    }

    /**
     * A ready task no live worker serves.
     *
     * @param reason {@code waiting for a worker with queue=gpu labels gpu=true}
     */
    public record WaitingTask(String task, String queue, Map<String, String> labels, String reason) {}

    /** The document {@code gyre status RUN_ID --output json} prints. */
    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new io.gyre.api.GyreException(
                    "cannot render the status of run " + run.id() + ": " + e.getMessage(), e);
        }
    }
}
