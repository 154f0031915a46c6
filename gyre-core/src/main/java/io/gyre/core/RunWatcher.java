package io.gyre.core;

import io.gyre.api.EventListener;
import io.gyre.api.Flow;
import io.gyre.api.RunId;
import io.gyre.api.TaskId;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Listens to the events of every run an {@link Orchestrator} drives, for as long as it drives it: the CLI adds the
 * live results view this way. Listeners that are also {@link AutoCloseable} are closed when driving stops (the
 * run ended, was handed over, or the orchestrator stopped).
 */
@FunctionalInterface
public interface RunWatcher {
    /** Watches nothing. */
    RunWatcher NONE = (run, flow, runDir, contributing) -> List.of();

    /**
     * @param runDir the run's directory in the shared data directory
     * @param contributing the tasks that had not failed when this orchestrator took the run (their published
     *     results still count)
     */
    List<EventListener> watch(RunId run, Flow flow, Path runDir, Set<TaskId> contributing);
}
