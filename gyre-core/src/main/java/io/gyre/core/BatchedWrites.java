package io.gyre.core;

import io.gyre.api.Completion;
import io.gyre.api.Event;
import io.gyre.api.Lease;
import io.gyre.api.LeaseOutcome;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import io.gyre.api.TaskMove;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.api.WorkItem;
import io.gyre.api.WorkerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A run driver's view of the store that gathers its hot-path writes (task moves and events) and sends them as
 * one {@link StateStore#moveTasks} batch (ADR 0014). Every other call, read or write, first sends what was
 * gathered, so the store sees the driver's writes in the order the driver decided them, and a read never
 * misses one of the driver's own writes. Used only from the driver's drain (single-threaded).
 */
final class BatchedWrites implements StateStore {
    /** A batch this big is sent at once, so workers can start on a wide frontier while the rest is decided. */
    static final int MAX_MOVES = 1024;

    private final RunId run;
    private final StateStore store;
    private final List<TaskMove> moves = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();

    BatchedWrites(RunId run, StateStore store) {
        this.run = run;
        this.store = store;
    }

    /** Gathers a move of one of the run's tasks. */
    void move(TaskMove move) {
        moves.add(move);
        if (moves.size() >= MAX_MOVES) {
            flush();
        }
    }

    /** Gathers an event of the run. */
    void event(Event event) {
        events.add(event);
        if (events.size() >= 4 * MAX_MOVES) {
            flush();
        }
    }

    /** Sends what was gathered as one atomic batch. */
    void flush() {
        if (moves.isEmpty() && events.isEmpty()) {
            return;
        }
        List<TaskMove> m = List.copyOf(moves);
        List<Event> e = List.copyOf(events);
        moves.clear();
        events.clear();
        store.moveTasks(run, m, e);
    }

    /** Forgets what was gathered (the driver stopped; the store keeps the run as it last saw it). */
    void discard() {
        moves.clear();
        events.clear();
    }

    @Override
    public void createRun(RunRecord record, Collection<TaskRecord> tasks) {
        flush();
        store.createRun(record, tasks);
    }

    @Override
    public List<TaskRecord> addTasks(RunId id, Collection<TaskRecord> tasks) {
        flush();
        return store.addTasks(id, tasks);
    }

    @Override
    public RunRecord run(RunId id) {
        flush();
        return store.run(id);
    }

    @Override
    public TaskRecord task(RunId id, TaskId task) {
        flush();
        return store.task(id, task);
    }

    @Override
    public List<TaskRecord> tasks(RunId id) {
        flush();
        return store.tasks(id);
    }

    @Override
    public RunRecord updateRun(RunRecord next) {
        flush();
        return store.updateRun(next);
    }

    @Override
    public TaskRecord updateTask(TaskRecord next) {
        flush();
        return store.updateTask(next);
    }

    @Override
    public List<Event> moveTasks(RunId id, List<TaskMove> batch, List<Event> appended) {
        flush();
        return store.moveTasks(id, batch, appended);
    }

    @Override
    public void enqueue(WorkItem item) {
        flush();
        store.enqueue(item);
    }

    @Override
    public Optional<Lease> claim(WorkerId worker, List<QueueName> queues, Duration ttl, Duration wait) {
        flush();
        return store.claim(worker, queues, ttl, wait);
    }

    @Override
    public List<Lease> claimAll(WorkerId worker, List<QueueName> queues, Duration ttl, Duration wait, int max) {
        flush();
        return store.claimAll(worker, queues, ttl, wait, max);
    }

    @Override
    public Lease heartbeat(Lease lease, Duration ttl) {
        flush();
        return store.heartbeat(lease, ttl);
    }

    @Override
    public void complete(Lease lease, TaskOutcome outcome) {
        flush();
        store.complete(lease, outcome);
    }

    @Override
    public List<Lease> completeAll(List<LeaseOutcome> outcomes) {
        flush();
        return store.completeAll(outcomes);
    }

    @Override
    public List<Lease> reapExpiredLeases(Instant now) {
        flush();
        return store.reapExpiredLeases(now);
    }

    @Override
    public List<Completion> takeCompletions(RunId id, int max, Duration wait) {
        flush();
        return store.takeCompletions(id, max, wait);
    }

    @Override
    public Event append(Event event) {
        flush();
        return store.append(event);
    }

    @Override
    public List<Event> appendAll(List<Event> appended) {
        flush();
        return store.appendAll(appended);
    }

    @Override
    public void close() {}
}
