package io.gyre.api;

import java.util.Map;

/** How one attempt of a task ended. */
public sealed interface TaskOutcome {
    /** The exit code of a process, or 0/1 for an in-process task. */
    int exitCode();

    /**
     * The attempt succeeded.
     *
     * @param outputs {@code KEY=value} pairs the task published for its dependents
     */
    record Succeeded(int exitCode, Map<String, String> outputs) implements TaskOutcome {
        public Succeeded {
            outputs = Map.copyOf(outputs);
        }
    }

    record Failed(int exitCode, Failure failure) implements TaskOutcome {}

    /** The attempt was stopped because the run was cancelled. */
    record Cancelled(int exitCode, String reason) implements TaskOutcome {}

    static TaskOutcome success() {
        return new Succeeded(0, Map.of());
    }
}
