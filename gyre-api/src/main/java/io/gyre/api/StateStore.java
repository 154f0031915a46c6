package io.gyre.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The write path of Gyre's state: runs, task records with compare-and-set versions, queues, leases and the
 * completion inbox, and the event log. Implementations: in-memory (one process) and Redis (distributed).
 *
 * <p>Every implementation runs {@code StateStoreContract} from {@code gyre-testkit}. Reads for APIs and UIs are
 * on {@link StateQueries}, kept apart so this interface stays narrow.
 *
 * <p>Invariants: a task record's state only changes along {@link TaskState#MACHINE}; a write whose expected
 * version is stale throws {@link VersionConflictException}; a lease is released exactly once (completed,
 * or reaped); a completion with a stale lease throws {@link StaleLeaseException} and commits nothing.
 */
public interface StateStore extends AutoCloseable {
    /** Creates a run and its tasks atomically; fails if the run exists. */
    void createRun(RunRecord run, Collection<TaskRecord> tasks);

    /**
     * Adds tasks to an existing run in one atomic step (a dynamic sweep's instances, created when the task that
     * lists their values succeeds). A task the run already has is left exactly as it is, so adding the same
     * instances again (a resumed run, an orchestrator that re-expands after a crash) is harmless. Returns the
     * records as stored afterwards, in the order given. Throws {@link NotFoundException} for an unknown run and
     * {@link GyreException} for a task of another run or a task given twice.
     */
    List<TaskRecord> addTasks(RunId run, Collection<TaskRecord> tasks);

    RunRecord run(RunId id);

    TaskRecord task(RunId run, TaskId task);

    /**
     * Every task record of a run, in creation order, in one read: what an orchestrator adopting the run rebuilds
     * its state from (the same as {@link StateQueries#tasks}, on the write path's side).
     */
    List<TaskRecord> tasks(RunId run);

    /**
     * Writes {@code next} if the stored run is still at {@code next.version()}; stores and returns it at the
     * next version.
     */
    RunRecord updateRun(RunRecord next);

    /**
     * Writes {@code next} if the stored task is still at {@code next.version()} and the state change (if any)
     * is allowed; stores and returns it at the next version.
     */
    TaskRecord updateTask(TaskRecord next);

    /**
     * Applies a batch of a run's driver writes in one atomic step: every move (in order; a later move of the same
     * task starts from where the earlier one left it), the work items of the moves that make tasks ready, then
     * {@code events}; returns the events as stored. The whole batch is refused and nothing is written when a
     * task is not in its move's {@code from} state at its {@code attempts} ({@link VersionConflictException}: the
     * driver's view is stale; re-read and decide again), when a move is not allowed by {@link TaskState#MACHINE}
     * ({@link IllegalTransitionException}), for an unknown run or task ({@link NotFoundException}), or when the
     * run is fenced to someone else ({@link FencedException}, fenced views only).
     *
     * <p>This is the driver's hot path: a ready frontier or a batch of completions with the next frontier is one
     * round trip instead of a read, a write, an append and an enqueue per task (ADR 0014). The default checks
     * every move against a fresh read and then writes them one by one: correct for a single writer per run, but
     * not atomic; stores override it with one atomic step.
     */
    default List<Event> moveTasks(RunId run, List<TaskMove> moves, List<Event> events) {
        Map<TaskId, TaskRecord> now = new HashMap<>();
        for (TaskMove m : moves) {
            TaskRecord t = now.containsKey(m.task()) ? now.get(m.task()) : task(run, m.task());
            if (t.state() != m.from() || t.attempts() != m.attempts()) {
                throw VersionConflictException.moved(run, m, t.state(), t.attempts());
            }
            if (m.from() != m.to() && !TaskState.MACHINE.allows(m.from(), m.to())) {
                throw new IllegalTransitionException(TaskState.MACHINE.name(), m.from(), m.to());
            }
            now.put(m.task(), m.applyTo(t));
        }
        for (TaskMove m : moves) {
            TaskRecord t = task(run, m.task());
            updateTask(m.applyTo(t));
            if (m.item() != null) {
                enqueue(m.item());
            }
        }
        return events.isEmpty() ? List.of() : appendAll(events);
    }

    /** Appends a work item to a queue (created on first use). The task must be {@link TaskState#READY}. */
    void enqueue(WorkItem item);

    /**
     * Takes the oldest item from the first non-empty queue among {@code queues}, marks its task
     * {@link TaskState#RUNNING}, records a {@code task_started} event and returns a lease on it. Waits up to
     * {@code wait} for an item without busy polling; returns empty if none came or the thread was interrupted.
     * Items whose task is no longer ready (cancelled meanwhile) are dropped.
     */
    Optional<Lease> claim(WorkerId worker, List<QueueName> queues, Duration ttl, Duration wait);

    /**
     * Claims up to {@code max} items at once, for a worker with that many free slots: waits up to {@code wait}
     * for the first as {@link #claim} does, then takes what else is claimable without waiting. The default calls
     * {@link #claim}; stores override it with one round trip.
     */
    default List<Lease> claimAll(WorkerId worker, List<QueueName> queues, Duration ttl, Duration wait, int max) {
        if (max < 1) {
            throw new GyreException("claimAll needs max >= 1, not " + max);
        }
        Optional<Lease> first = claim(worker, queues, ttl, wait);
        if (first.isEmpty()) {
            return List.of();
        }
        List<Lease> out = new ArrayList<>(max);
        out.add(first.get());
        while (out.size() < max) {
            Optional<Lease> more = claim(worker, queues, ttl, Duration.ZERO);
            if (more.isEmpty()) {
                break;
            }
            out.add(more.get());
        }
        return out;
    }

    /** Extends a lease; throws {@link StaleLeaseException} if it is no longer current. */
    Lease heartbeat(Lease lease, Duration ttl);

    /**
     * Releases a lease and puts the attempt's outcome in its run's inbox. Throws {@link StaleLeaseException}
     * (and commits nothing) if the lease is no longer current.
     */
    void complete(Lease lease, TaskOutcome outcome);

    /**
     * Completes several attempts, each on its own as {@link #complete} does (a stale lease refuses only its own
     * completion); returns the leases that were refused as stale. The default calls {@link #complete}; stores
     * override it with one round trip.
     */
    default List<Lease> completeAll(List<LeaseOutcome> outcomes) {
        List<Lease> refused = new ArrayList<>();
        for (LeaseOutcome o : outcomes) {
            try {
                complete(o.lease(), o.outcome());
            } catch (StaleLeaseException e) {
                refused.add(o.lease());
            }
        }
        return refused;
    }

    /**
     * Releases every lease that expired before {@code now}; each becomes a {@link Completion} of type
     * {@code lease_expired} in its run's inbox. Returns the released leases.
     */
    List<Lease> reapExpiredLeases(Instant now);

    /**
     * Removes and returns up to {@code max} completions of a run, waiting up to {@code wait} for the first.
     */
    List<Completion> takeCompletions(RunId run, int max, Duration wait);

    /** Appends an event, assigning the run's next sequence number; returns the stored event. */
    Event append(Event event);

    /** Appends events in order; returns them as stored. */
    List<Event> appendAll(List<Event> events);

    @Override
    void close();
}
