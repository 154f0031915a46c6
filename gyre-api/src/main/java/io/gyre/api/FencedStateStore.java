package io.gyre.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A store as the holder of one fence sees it ({@link Membership#fenced}): the driver's writes for its run carry
 * the fence; reads and the workers' operations pass through unchanged. Both stores return this view.
 */
public final class FencedStateStore implements StateStore {
    private final StateStore store;
    private final FencedWrites writes;
    private final RunFence fence;

    public FencedStateStore(StateStore store, FencedWrites writes, RunFence fence) {
        this.store = store;
        this.writes = writes;
        this.fence = fence;
    }

    @Override
    public void createRun(RunRecord run, Collection<TaskRecord> tasks) {
        throw new GyreException("a fenced view drives an existing run; create runs through the store itself");
    }

    @Override
    public RunRecord run(RunId id) {
        return store.run(id);
    }

    @Override
    public TaskRecord task(RunId run, TaskId task) {
        return store.task(run, task);
    }

    @Override
    public List<TaskRecord> tasks(RunId run) {
        return store.tasks(run);
    }

    /**
     * Not fenced: adding a dynamic sweep's instances keeps any the run already has, and every owner expands the
     * same recorded lists into the same instances, so a stale owner's add changes nothing.
     */
    @Override
    public List<TaskRecord> addTasks(RunId run, Collection<TaskRecord> tasks) {
        return store.addTasks(run, tasks);
    }

    @Override
    public RunRecord updateRun(RunRecord next) {
        return writes.updateRun(next, fence);
    }

    @Override
    public TaskRecord updateTask(TaskRecord next) {
        return writes.updateTask(next, fence);
    }

    @Override
    public List<Event> moveTasks(RunId run, List<TaskMove> moves, List<Event> events) {
        return writes.moveTasks(run, moves, events, fence);
    }

    @Override
    public void enqueue(WorkItem item) {
        writes.enqueue(item, fence);
    }

    @Override
    public Optional<Lease> claim(WorkerId worker, List<QueueName> queues, Duration ttl, Duration wait) {
        return store.claim(worker, queues, ttl, wait);
    }

    @Override
    public List<Lease> claimAll(WorkerId worker, List<QueueName> queues, Duration ttl, Duration wait, int max) {
        return store.claimAll(worker, queues, ttl, wait, max);
    }

    @Override
    public Lease heartbeat(Lease lease, Duration ttl) {
        return store.heartbeat(lease, ttl);
    }

    @Override
    public void complete(Lease lease, TaskOutcome outcome) {
        store.complete(lease, outcome);
    }

    @Override
    public List<Lease> completeAll(List<LeaseOutcome> outcomes) {
        return store.completeAll(outcomes);
    }

    @Override
    public List<Lease> reapExpiredLeases(Instant now) {
        return store.reapExpiredLeases(now);
    }

    @Override
    public List<Completion> takeCompletions(RunId run, int max, Duration wait) {
        return writes.takeCompletions(run, max, wait, fence);
    }

    @Override
    public Event append(Event event) {
        return writes.appendAll(List.of(event), fence).get(0);
    }

    @Override
    public List<Event> appendAll(List<Event> events) {
        return writes.appendAll(events, fence);
    }

    /** The view owns nothing: closing it leaves the store open. */
    @Override
    public void close() {}
}
