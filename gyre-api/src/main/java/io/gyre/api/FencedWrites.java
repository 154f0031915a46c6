package io.gyre.api;

import java.time.Duration;
import java.util.List;

/**
 * The writes a run's driver makes, each carrying the fencing token of the driver's claim (ADR 0012): a store
 * refuses one whose token is stale with {@link FencedException} and stores nothing. Stores with
 * {@link Membership} implement it; {@link FencedStateStore} turns it into the store a driver writes through.
 */
public interface FencedWrites {
    RunRecord updateRun(RunRecord next, RunFence fence);

    TaskRecord updateTask(TaskRecord next, RunFence fence);

    List<Event> moveTasks(RunId run, List<TaskMove> moves, List<Event> events, RunFence fence);

    void enqueue(WorkItem item, RunFence fence);

    List<Completion> takeCompletions(RunId run, int max, Duration wait, RunFence fence);

    List<Event> appendAll(List<Event> events, RunFence fence);
}
