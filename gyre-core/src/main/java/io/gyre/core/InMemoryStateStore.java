package io.gyre.core;

import io.gyre.api.Completion;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.EventListener;
import io.gyre.api.Failure;
import io.gyre.api.FencedException;
import io.gyre.api.FencedStateStore;
import io.gyre.api.FencedWrites;
import io.gyre.api.GyreException;
import io.gyre.api.IllegalTransitionException;
import io.gyre.api.Lease;
import io.gyre.api.Member;
import io.gyre.api.NotFoundException;
import io.gyre.api.OrchestratorId;
import io.gyre.api.QueueName;
import io.gyre.api.Rendezvous;
import io.gyre.api.RunFence;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.StaleLeaseException;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import io.gyre.api.TaskMove;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import io.gyre.api.VersionConflictException;
import io.gyre.api.WorkItem;
import io.gyre.api.WorkerId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The state store of one process.
 *
 * <p>Design: all state sits in plain collections guarded by one {@link ReentrantLock}. Every operation takes
 * the lock once, does O(1) work on hash maps and array deques (reaping is O(live leases)), and releases it; a
 * task's claim-complete-update cycle therefore costs a handful of uncontended lock round trips and a few small
 * allocations. One lock was chosen over finer locks because an operation usually touches a queue, a task
 * record, a lease and a run's event log together, and one lock makes each of those compound steps atomic
 * without lock ordering rules.
 *
 * <p>Waiting never polls. A claimer that waits on exactly one queue parks on that queue's condition and an
 * enqueue wakes one such claimer; a claimer that waits on several queues parks on a store-wide condition that
 * every enqueue signals (only while such claimers exist). A run's inbox has its own condition. Waits are
 * bounded by the JVM's monotonic timer; the injected clock is used only for timestamps and lease expiry, so a
 * manual clock in tests never needs to move for a wait to end.
 *
 * <p>Invariants: a task record changes state only along {@link TaskState#MACHINE} and a run only along
 * {@link RunState#MACHINE}; each write of a record bumps its version by one and requires the caller's version
 * to be the stored one; a lease lives in {@link #leases} from its claim until exactly one of complete or reap
 * removes it; a lease is current while it is in {@link #leases} and the clock is not past its expiry; event
 * sequence numbers of a run are 1, 2, 3, ... (the index in its list plus one).
 *
 * <p>Listeners run under the lock, so they see events in sequence order; an append made by a listener is
 * delivered after the event being delivered, never nested inside it.
 */
final class InMemoryStateStore implements Stores.InMemoryStore, FencedWrites {
    private static final System.Logger LOG = System.getLogger(InMemoryStateStore.class.getName());

    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<RunId, RunSlot> runs = new HashMap<>();
    private final Map<QueueName, QueueSlot> queues = new HashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<OrchestratorId, Member> members = new TreeMap<>();
    /** The last epoch of every orchestrator that ever joined; never forgotten, so epochs only grow. */
    private final Map<OrchestratorId, Long> epochs = new HashMap<>();
    /** Signalled on every enqueue while a claimer waits on more than one queue. */
    private final Condition anyEnqueued = lock.newCondition();

    private int multiQueueWaiters;
    private long leaseCounter;
    private final SplittableRandom tokenRandom;
    private boolean closed;

    InMemoryStateStore(InstantSource clock) {
        this.clock = clock;
        // Seeded once from a strong source: tokens are unique by their counter and hard to guess by their
        // random part, which is as much as a store living inside one process needs.
        this.tokenRandom = new SplittableRandom(new SecureRandom().nextLong());
    }

    // ---------------------------------------------------------------- runs and tasks

    @Override
    public void createRun(RunRecord run, Collection<TaskRecord> tasks) {
        lock.lock();
        try {
            requireOpen();
            if (runs.containsKey(run.id())) {
                throw new GyreException("run " + run.id() + " already exists; pick a new run id or resume it");
            }
            RunSlot slot = new RunSlot(run, tasks.size(), lock.newCondition());
            for (TaskRecord t : tasks) {
                if (!t.run().equals(run.id())) {
                    throw new GyreException("task " + t.id() + " belongs to run " + t.run() + ", not to " + run.id()
                            + "; create each run with its own tasks");
                }
                if (slot.tasks.putIfAbsent(t.id(), t) != null) {
                    throw new GyreException("task " + t.id() + " appears twice in run " + run.id());
                }
            }
            runs.put(run.id(), slot);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<TaskRecord> addTasks(RunId run, Collection<TaskRecord> tasks) {
        lock.lock();
        try {
            requireOpen();
            RunSlot slot = runSlot(run);
            java.util.Set<TaskId> seen = new java.util.HashSet<>();
            for (TaskRecord t : tasks) {
                if (!t.run().equals(run)) {
                    throw new GyreException("task " + t.id() + " belongs to run " + t.run() + ", not to " + run
                            + "; add each run's tasks to it");
                }
                if (!seen.add(t.id())) {
                    throw new GyreException("task " + t.id() + " appears twice among the tasks added to run " + run);
                }
            }
            List<TaskRecord> stored = new ArrayList<>(tasks.size());
            for (TaskRecord t : tasks) {
                TaskRecord before = slot.tasks.putIfAbsent(t.id(), t);
                stored.add(before == null ? t : before);
            }
            return stored;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RunRecord run(RunId id) {
        lock.lock();
        try {
            return runSlot(id).record;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public TaskRecord task(RunId run, TaskId task) {
        lock.lock();
        try {
            return taskRecord(runSlot(run), task);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RunRecord updateRun(RunRecord next) {
        return updateRun(next, null);
    }

    @Override
    public RunRecord updateRun(RunRecord next, @Nullable RunFence fence) {
        lock.lock();
        try {
            requireOpen();
            RunSlot slot = runSlot(next.id());
            checkFence(slot, fence);
            RunRecord current = slot.record;
            if (current.version() != next.version()) {
                throw new VersionConflictException("run " + next.id(), next.version(), current.version());
            }
            if (current.state() != next.state()) {
                RunState.MACHINE.require(current.state(), next.state());
            }
            RunRecord stored = next.withVersion(current.version() + 1);
            slot.record = stored;
            return stored;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public TaskRecord updateTask(TaskRecord next) {
        return updateTask(next, null);
    }

    @Override
    public TaskRecord updateTask(TaskRecord next, @Nullable RunFence fence) {
        lock.lock();
        try {
            requireOpen();
            RunSlot slot = runSlot(next.run());
            checkFence(slot, fence);
            TaskRecord current = taskRecord(slot, next.id());
            if (current.version() != next.version()) {
                throw new VersionConflictException(
                        "task " + next.run() + "/" + next.id(), next.version(), current.version());
            }
            if (current.state() != next.state()) {
                TaskState.MACHINE.require(current.state(), next.state());
            }
            TaskRecord stored = next.withVersion(current.version() + 1);
            slot.tasks.put(next.id(), stored);
            return stored;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Event> moveTasks(RunId run, List<TaskMove> moves, List<Event> events) {
        return moveTasks(run, moves, events, null);
    }

    @Override
    public List<Event> moveTasks(RunId run, List<TaskMove> moves, List<Event> events, @Nullable RunFence fence) {
        lock.lock();
        try {
            requireOpen();
            RunSlot slot = runSlot(run);
            checkFence(slot, fence);
            // Check the whole batch against the records as the earlier moves leave them, then write it.
            Map<TaskId, TaskRecord> after = new HashMap<>();
            for (TaskMove m : moves) {
                TaskRecord t = after.get(m.task());
                if (t == null) {
                    t = taskRecord(slot, m.task());
                }
                if (t.state() != m.from() || t.attempts() != m.attempts()) {
                    throw VersionConflictException.moved(run, m, t.state(), t.attempts());
                }
                if (m.from() != m.to() && !TaskState.MACHINE.allows(m.from(), m.to())) {
                    throw new IllegalTransitionException(TaskState.MACHINE.name(), m.from(), m.to());
                }
                if (m.item() != null && !m.item().run().equals(run)) {
                    throw new GyreException("a work item of run " + m.item().run() + " in a batch of run " + run);
                }
                after.put(m.task(), m.applyTo(t).withVersion(t.version() + 1));
            }
            for (Event e : events) {
                if (!e.run().equals(run)) {
                    throw new GyreException("an event of run " + e.run() + " in a batch of run " + run
                            + "; append each run's events with its own batch");
                }
            }
            for (TaskMove m : moves) {
                TaskRecord t = taskRecord(slot, m.task());
                if (m.from() != m.to()) {
                    TaskState.MACHINE.require(m.from(), m.to()); // tells the machine's observers
                }
                slot.tasks.put(m.task(), m.applyTo(t).withVersion(t.version() + 1));
                WorkItem item = m.item();
                if (item != null) {
                    QueueSlot queue = queueSlot(item.queue());
                    queue.items.addLast(item);
                    if (queue.waiters > 0) {
                        queue.nonEmpty.signal();
                    }
                    if (multiQueueWaiters > 0) {
                        anyEnqueued.signalAll();
                    }
                }
            }
            List<Event> stored = new ArrayList<>(events.size());
            for (Event e : events) {
                stored.add(store(slot, e));
            }
            if (!stored.isEmpty()) {
                deliver(slot);
            }
            return stored;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- queues and leases

    @Override
    public void enqueue(WorkItem item) {
        enqueue(item, null);
    }

    @Override
    public void enqueue(WorkItem item, @Nullable RunFence fence) {
        lock.lock();
        try {
            requireOpen();
            RunSlot run = runSlot(item.run());
            checkFence(run, fence);
            TaskRecord task = taskRecord(run, item.task());
            if (task.state() != TaskState.READY) {
                throw new GyreException("cannot enqueue " + item.run() + "/" + item.task() + ": it is "
                        + task.state().wireName() + ", not ready; move it to ready first");
            }
            if (item.attempt() != task.attempts() + 1) {
                throw new GyreException("cannot enqueue attempt " + item.attempt() + " of " + item.run() + "/"
                        + item.task() + ": " + task.attempts() + " attempts have started, so the next is "
                        + (task.attempts() + 1));
            }
            QueueSlot queue = queueSlot(item.queue());
            queue.items.addLast(item);
            if (queue.waiters > 0) {
                queue.nonEmpty.signal();
            }
            if (multiQueueWaiters > 0) {
                anyEnqueued.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Lease> claim(WorkerId worker, List<QueueName> queueNames, Duration ttl, Duration wait) {
        requirePositive("ttl", ttl);
        requireNotNegative("wait", wait);
        if (queueNames.isEmpty()) {
            throw new GyreException("claim needs at least one queue to take work from");
        }
        long remaining = wait.toNanos();
        lock.lock();
        try {
            requireOpen();
            QueueSlot single = queueNames.size() == 1 ? queueSlot(queueNames.get(0)) : null;
            while (true) {
                if (closed) {
                    return Optional.empty();
                }
                Lease lease = takeFirst(worker, queueNames, ttl);
                if (lease != null) {
                    return Optional.of(lease);
                }
                if (remaining <= 0) {
                    return Optional.empty();
                }
                try {
                    if (single != null) {
                        single.waiters++;
                        try {
                            remaining = single.nonEmpty.awaitNanos(remaining);
                        } finally {
                            single.waiters--;
                        }
                    } else {
                        multiQueueWaiters++;
                        try {
                            remaining = anyEnqueued.awaitNanos(remaining);
                        } finally {
                            multiQueueWaiters--;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes the first claimable item of the first non-empty queue, dropping stale items on the way. */
    private @Nullable Lease takeFirst(WorkerId worker, List<QueueName> queueNames, Duration ttl) {
        for (int i = 0, n = queueNames.size(); i < n; i++) {
            QueueSlot queue = queues.get(queueNames.get(i));
            if (queue == null) {
                continue;
            }
            WorkItem item;
            while ((item = queue.items.pollFirst()) != null) {
                RunSlot run = runs.get(item.run());
                TaskRecord task = run == null ? null : run.tasks.get(item.task());
                if (run == null
                        || task == null
                        || task.state() != TaskState.READY
                        || task.attempts() + 1 != item.attempt()) {
                    continue; // cancelled or superseded since it was enqueued
                }
                if (!queue.items.isEmpty() && queue.waiters > 0) {
                    queue.nonEmpty.signal();
                }
                return start(run, task, item, worker, ttl);
            }
        }
        return null;
    }

    private Lease start(RunSlot run, TaskRecord task, WorkItem item, WorkerId worker, Duration ttl) {
        Instant now = clock.instant();
        TaskState.MACHINE.require(task.state(), TaskState.RUNNING);
        run.tasks.put(task.id(), task.started(item.attempt(), now).withVersion(task.version() + 1));
        String token = Long.toHexString(++leaseCounter) + "-" + Long.toHexString(tokenRandom.nextLong());
        Lease lease = new Lease(item, worker, token, now.plus(ttl));
        leases.put(token, lease);
        store(
                run,
                Event.of(
                        item.run(),
                        now,
                        EventKind.TASK_STARTED,
                        item.task(),
                        Map.of("attempt", Integer.toString(item.attempt()), "worker", worker.value())));
        deliver(run);
        return lease;
    }

    @Override
    public Lease heartbeat(Lease lease, Duration ttl) {
        requirePositive("ttl", ttl);
        lock.lock();
        try {
            requireOpen();
            Instant now = clock.instant();
            Lease current = currentLease(lease, now);
            Lease renewed = new Lease(current.item(), current.worker(), current.token(), now.plus(ttl));
            leases.put(current.token(), renewed);
            return renewed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void complete(Lease lease, TaskOutcome outcome) {
        lock.lock();
        try {
            requireOpen();
            Instant now = clock.instant();
            Lease current = currentLease(lease, now);
            RunSlot run = runSlot(current.item().run());
            leases.remove(current.token());
            run.addCompletion(new Completion(current.item(), outcome, now));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The stored lease for {@code lease}'s token if it is current at {@code now}. An expired lease is stale even
     * before the reaper releases it, so whether a late worker may commit never depends on the reaper's timing.
     */
    private Lease currentLease(Lease lease, Instant now) {
        Lease current = leases.get(lease.token());
        if (current == null) {
            throw new StaleLeaseException(lease, "already released: completed, or reaped after it expired");
        }
        WorkItem held = current.item();
        WorkItem claimed = lease.item();
        if (!held.run().equals(claimed.run())
                || !held.task().equals(claimed.task())
                || held.attempt() != claimed.attempt()) {
            throw new StaleLeaseException(lease, "its token belongs to another task");
        }
        if (now.isAfter(current.expiresAt())) {
            throw new StaleLeaseException(
                    lease, "expired at " + current.expiresAt() + "; heartbeat more often than the ttl");
        }
        return current;
    }

    @Override
    public List<Lease> reapExpiredLeases(Instant now) {
        lock.lock();
        try {
            requireOpen();
            List<Lease> reaped = new ArrayList<>();
            for (Iterator<Lease> it = leases.values().iterator(); it.hasNext(); ) {
                Lease lease = it.next();
                if (lease.expiresAt().isBefore(now)) {
                    it.remove();
                    reaped.add(lease);
                    Failure lost = new Failure(
                            Completion.LEASE_EXPIRED,
                            "worker " + lease.worker() + " neither heartbeat nor completed before " + lease.expiresAt()
                                    + "; the attempt is presumed lost",
                            true);
                    // -1: there is no exit code, the process (if any) was never seen to end.
                    runSlot(lease.item().run())
                            .addCompletion(new Completion(lease.item(), new TaskOutcome.Failed(-1, lost), now));
                }
            }
            return reaped;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Completion> takeCompletions(RunId run, int max, Duration wait) {
        return takeCompletions(run, max, wait, null);
    }

    @Override
    public List<Completion> takeCompletions(RunId run, int max, Duration wait, @Nullable RunFence fence) {
        if (max < 1) {
            throw new GyreException("takeCompletions needs max >= 1, not " + max);
        }
        requireNotNegative("wait", wait);
        long remaining = wait.toNanos();
        lock.lock();
        try {
            requireOpen();
            RunSlot slot = runSlot(run);
            checkFence(slot, fence);
            if (fence != null) {
                slot.inflight.clear(); // the previous fenced take was handled: it asked for more
            }
            while (slot.inbox.isEmpty()) {
                if (remaining <= 0 || closed) {
                    return List.of();
                }
                try {
                    slot.inboxWaiters++;
                    try {
                        remaining = slot.inboxNonEmpty.awaitNanos(remaining);
                    } finally {
                        slot.inboxWaiters--;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
                checkFence(slot, fence); // claimed by another while this take waited
            }
            int n = Math.min(max, slot.inbox.size());
            List<Completion> taken = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                taken.add(slot.inbox.pollFirst());
            }
            if (fence != null) {
                slot.inflight.addAll(taken);
            }
            if (!slot.inbox.isEmpty() && slot.inboxWaiters > 0) {
                slot.inboxNonEmpty.signal();
            }
            return taken;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- events

    @Override
    public Event append(Event event) {
        return append(event, null);
    }

    private Event append(Event event, @Nullable RunFence fence) {
        lock.lock();
        try {
            requireOpen();
            RunSlot slot = runSlot(event.run());
            checkFence(slot, fence);
            Event stored = store(slot, event);
            deliver(slot);
            return stored;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Event> appendAll(List<Event> events) {
        return appendAll(events, null);
    }

    @Override
    public List<Event> appendAll(List<Event> events, @Nullable RunFence fence) {
        lock.lock();
        try {
            requireOpen();
            RunSlot[] slots = new RunSlot[events.size()];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = runSlot(events.get(i).run()); // all runs checked before anything is stored
                checkFence(slots[i], fence);
            }
            List<Event> stored = new ArrayList<>(slots.length);
            for (int i = 0; i < slots.length; i++) {
                stored.add(store(slots[i], events.get(i)));
            }
            for (RunSlot slot : slots) {
                deliver(slot);
            }
            return stored;
        } finally {
            lock.unlock();
        }
    }

    private static Event store(RunSlot slot, Event event) {
        Event stored = event.withSeq(slot.events.size() + 1L);
        slot.events.add(stored);
        return stored;
    }

    /** Delivers the run's undelivered events in order, unless this thread is already delivering them. */
    private static void deliver(RunSlot slot) {
        if (slot.listeners.isEmpty()) {
            slot.delivered = slot.events.size();
            return;
        }
        if (slot.delivering) {
            return; // a listener appended; the loop below, further up this thread's stack, delivers it in order
        }
        slot.delivering = true;
        try {
            while (slot.delivered < slot.events.size()) {
                Event event = slot.events.get(slot.delivered++);
                for (EventListener listener : slot.listeners) {
                    try {
                        listener.onEvent(event);
                    } catch (RuntimeException e) {
                        // The event is committed; one broken listener must not undo it or starve the others.
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "event listener on run " + event.run() + " failed on seq " + event.seq(),
                                e);
                    }
                }
            }
        } finally {
            slot.delivering = false;
        }
    }

    // ---------------------------------------------------------------- membership and fencing

    @Override
    public Member heartbeat(OrchestratorId id, Duration ttl) {
        requirePositive("ttl", ttl);
        lock.lock();
        try {
            requireOpen();
            Instant now = clock.instant();
            Member current = members.get(id);
            long epoch = current != null && !now.isAfter(current.expiresAt())
                    ? current.epoch()
                    : epochs.merge(id, 1L, Long::sum);
            Member renewed = new Member(id, epoch, now.plus(ttl));
            members.put(id, renewed);
            return renewed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void leave(OrchestratorId id) {
        lock.lock();
        try {
            requireOpen();
            members.remove(id);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Member> liveMembers() {
        lock.lock();
        try {
            requireOpen();
            return live(clock.instant());
        } finally {
            lock.unlock();
        }
    }

    private List<Member> live(Instant now) {
        List<Member> live = new ArrayList<>(members.size());
        for (Iterator<Member> it = members.values().iterator(); it.hasNext(); ) {
            Member m = it.next();
            if (now.isAfter(m.expiresAt())) {
                it.remove(); // lapsed: a later heartbeat joins again under a new epoch
            } else {
                live.add(m);
            }
        }
        return live;
    }

    @Override
    public Optional<RunFence> claimRun(RunId run, OrchestratorId claimant) {
        lock.lock();
        try {
            requireOpen();
            RunSlot slot = runSlot(run);
            if (slot.record.state().isFinal()) {
                return Optional.empty();
            }
            List<OrchestratorId> live = new ArrayList<>();
            for (Member m : live(clock.instant())) {
                live.add(m.id());
            }
            if (!live.contains(claimant)
                    || !Rendezvous.owner(run, live).orElseThrow().equals(claimant)) {
                return Optional.empty();
            }
            RunFence fence = new RunFence(run, claimant, slot.fence == null ? 1 : slot.fence.token() + 1);
            slot.fence = fence;
            // Completions the previous owner took but may not have recorded go back first, in their order.
            while (!slot.inflight.isEmpty()) {
                slot.inbox.addFirst(slot.inflight.pollLast());
            }
            if (!slot.inbox.isEmpty() && slot.inboxWaiters > 0) {
                slot.inboxNonEmpty.signal();
            }
            return Optional.of(fence);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<RunFence> fence(RunId run) {
        lock.lock();
        try {
            return Optional.ofNullable(runSlot(run).fence);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<RunId> activeRuns() {
        lock.lock();
        try {
            List<RunId> active = new ArrayList<>();
            for (RunSlot slot : runs.values()) {
                if (!slot.record.state().isFinal()) {
                    active.add(slot.record.id());
                }
            }
            active.sort(null);
            return active;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StateStore fenced(RunFence fence) {
        return new FencedStateStore(this, this, fence);
    }

    /** Refuses a write under {@code fence} unless it is the run's current one (lock held). */
    private static void checkFence(RunSlot slot, @Nullable RunFence fence) {
        if (fence == null) {
            return;
        }
        if (!fence.run().equals(slot.record.id())) {
            throw new GyreException("a driver fenced to run " + fence.run() + " tried to write to run "
                    + slot.record.id() + "; drive each run through its own fenced view");
        }
        long current = slot.fence == null ? 0 : slot.fence.token();
        if (current != fence.token()) {
            throw new FencedException(fence, current);
        }
    }

    // ---------------------------------------------------------------- queries

    @Override
    public List<TaskRecord> tasks(RunId run) {
        lock.lock();
        try {
            return new ArrayList<>(runSlot(run).tasks.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Event> events(RunId run, long afterSeq, int limit) {
        if (limit < 0) {
            throw new GyreException("events needs limit >= 0, not " + limit);
        }
        lock.lock();
        try {
            List<Event> all = runSlot(run).events;
            int from = (int) Math.min(Math.max(afterSeq, 0), all.size());
            int to = (int) Math.min((long) from + limit, all.size());
            return new ArrayList<>(all.subList(from, to));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long queueDepth(QueueName queue) {
        lock.lock();
        try {
            QueueSlot slot = queues.get(queue);
            return slot == null ? 0 : slot.items.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long leaseCount() {
        lock.lock();
        try {
            return leases.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public AutoCloseable subscribe(RunId run, EventListener listener) {
        lock.lock();
        try {
            requireOpen();
            RunSlot slot = runSlot(run);
            // Outside a delivery every stored event counts as delivered, so this listener sees only new ones.
            slot.listeners.add(listener);
            return () -> {
                lock.lock();
                try {
                    slot.listeners.remove(listener);
                } finally {
                    lock.unlock();
                }
            };
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            anyEnqueued.signalAll();
            for (QueueSlot queue : queues.values()) {
                queue.nonEmpty.signalAll();
            }
            for (RunSlot run : runs.values()) {
                run.inboxNonEmpty.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- helpers (lock held)

    private void requireOpen() {
        if (closed) {
            throw new GyreException("the in-memory store is closed; create a new one");
        }
    }

    private RunSlot runSlot(RunId id) {
        RunSlot slot = runs.get(id);
        if (slot == null) {
            throw new NotFoundException("run " + id);
        }
        return slot;
    }

    private static TaskRecord taskRecord(RunSlot run, TaskId id) {
        TaskRecord task = run.tasks.get(id);
        if (task == null) {
            throw new NotFoundException("task " + id + " in run " + run.record.id());
        }
        return task;
    }

    private QueueSlot queueSlot(QueueName name) {
        QueueSlot queue = queues.get(name);
        if (queue == null) {
            queue = new QueueSlot(lock.newCondition());
            queues.put(name, queue);
        }
        return queue;
    }

    private static void requirePositive(String what, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new GyreException(what + " must be positive, not " + d);
        }
    }

    private static void requireNotNegative(String what, Duration d) {
        if (d.isNegative()) {
            throw new GyreException(what + " must not be negative, not " + d);
        }
    }

    /** A run's record, its tasks in creation order, its inbox and its event log. Guarded by the store lock. */
    private static final class RunSlot {
        RunRecord record;
        final LinkedHashMap<TaskId, TaskRecord> tasks;
        final ArrayDeque<Completion> inbox = new ArrayDeque<>();
        /** Completions the fenced owner took last; a claim of the run puts them back in the inbox. */
        final ArrayDeque<Completion> inflight = new ArrayDeque<>();
        /** The run's latest claim; null until it is first claimed. */
        @Nullable
        RunFence fence;

        final Condition inboxNonEmpty;
        int inboxWaiters;
        final ArrayList<Event> events = new ArrayList<>();
        final List<EventListener> listeners = new CopyOnWriteArrayList<>();
        /** Events with an index below this were delivered to the listeners (or had none to go to). */
        int delivered;

        boolean delivering;

        RunSlot(RunRecord record, int taskCount, Condition inboxNonEmpty) {
            this.record = record;
            this.tasks = LinkedHashMap.newLinkedHashMap(taskCount);
            this.inboxNonEmpty = inboxNonEmpty;
        }

        void addCompletion(Completion completion) {
            inbox.addLast(completion);
            if (inboxWaiters > 0) {
                inboxNonEmpty.signal();
            }
        }
    }

    /** One FIFO queue and the condition its single-queue claimers wait on. Guarded by the store lock. */
    private static final class QueueSlot {
        final ArrayDeque<WorkItem> items = new ArrayDeque<>();
        final Condition nonEmpty;
        int waiters;

        QueueSlot(Condition nonEmpty) {
            this.nonEmpty = nonEmpty;
        }
    }
}
