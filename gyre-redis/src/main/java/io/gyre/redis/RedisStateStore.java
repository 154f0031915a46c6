package io.gyre.redis;

import io.gyre.api.Completion;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.EventListener;
import io.gyre.api.FencedException;
import io.gyre.api.FencedStateStore;
import io.gyre.api.FencedWrites;
import io.gyre.api.GyreException;
import io.gyre.api.IllegalTransitionException;
import io.gyre.api.Lease;
import io.gyre.api.LeaseOutcome;
import io.gyre.api.Member;
import io.gyre.api.NotFoundException;
import io.gyre.api.OrchestratorId;
import io.gyre.api.QueueName;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The state store kept in one Redis server, shared by any number of processes.
 *
 * <p>Design: every operation is one Lua script run with {@code EVALSHA} on a pooled connection (reads too, so
 * that "run unknown" and "task unknown" are told apart in the same round trip). Scripts receive the key prefix
 * and build the keys themselves (layout in {@code docs/redis.md}); time comes from the injected clock as
 * arguments, never from Redis, so a manual clock in tests moves lease expiry. Values use {@link Codec}, and
 * any value over {@link Codec#MAX_VALUE_BYTES} is refused before it is sent.
 *
 * <p>Waiting never polls: a claim that found nothing blocks in {@code BLPOP} on the signal lists of its queues
 * (a take on its run's inbox signal) through {@link SignalWaits}, then tries again. Each signal list holds at
 * most one element; the scripts set it when they leave items behind and clear it when the list is empty, so a
 * signal is never lost between a failed attempt and the wait (it stays in Redis until someone pops it).
 *
 * <p>Invariants, as in the in-memory store: a record changes state only along its machine (the tables are
 * generated into the scripts from {@link TaskState#MACHINE} and {@link RunState#MACHINE}); each write bumps the
 * version by one and requires the caller's version; a lease exists from its claim until exactly one of complete
 * or reap deletes it; a lease is current while it exists and the clock is not past its expiry (compared in
 * whole seconds and nanoseconds); a run's event seqs are its event list's positions, 1, 2, 3, ...
 */
final class RedisStateStore implements RedisStore, FencedWrites {
    private static final LuaScript CREATE_RUN = LuaScript.named("create_run");
    private static final LuaScript ADD_TASKS = LuaScript.named("add_tasks");
    private static final LuaScript GET_RUN = LuaScript.named("get_run");
    private static final LuaScript UPDATE_RUN = LuaScript.named("update_run");
    private static final LuaScript GET_TASK = LuaScript.named("get_task");
    private static final LuaScript GET_TASKS = LuaScript.named("get_tasks");
    private static final LuaScript UPDATE_TASK = LuaScript.named("update_task");
    private static final LuaScript ENQUEUE = LuaScript.named("enqueue");
    private static final LuaScript CLAIM = LuaScript.named("claim");
    private static final LuaScript HEARTBEAT = LuaScript.named("heartbeat");
    private static final LuaScript COMPLETE_ALL = LuaScript.named("complete_all");
    private static final LuaScript MOVE_TASKS = LuaScript.named("move_tasks");
    private static final LuaScript REAP = LuaScript.named("reap");
    private static final LuaScript TAKE_COMPLETIONS = LuaScript.named("take_completions");
    private static final LuaScript APPEND = LuaScript.named("append");
    private static final LuaScript EVENTS = LuaScript.named("events");
    private static final LuaScript EVENT_COUNT = LuaScript.named("event_count");
    private static final LuaScript RESIGNAL = LuaScript.named("resignal");
    private static final LuaScript MEMBER_HEARTBEAT = LuaScript.named("member_heartbeat");
    private static final LuaScript MEMBER_LEAVE = LuaScript.named("member_leave");
    private static final LuaScript MEMBERS_LIVE = LuaScript.named("members_live");
    private static final LuaScript CLAIM_RUN = LuaScript.named("claim_run");
    private static final LuaScript GET_FENCE = LuaScript.named("get_fence");
    private static final LuaScript ACTIVE_RUNS = LuaScript.named("active_runs");
    private static final List<LuaScript> ALL = List.of(
            CREATE_RUN,
            ADD_TASKS,
            GET_RUN,
            UPDATE_RUN,
            GET_TASK,
            GET_TASKS,
            UPDATE_TASK,
            ENQUEUE,
            CLAIM,
            HEARTBEAT,
            COMPLETE_ALL,
            MOVE_TASKS,
            REAP,
            TAKE_COMPLETIONS,
            APPEND,
            EVENTS,
            EVENT_COUNT,
            RESIGNAL,
            MEMBER_HEARTBEAT,
            MEMBER_LEAVE,
            MEMBERS_LIVE,
            CLAIM_RUN,
            GET_FENCE,
            ACTIVE_RUNS);

    private final RedisEndpoint endpoint;
    private final String prefix;
    private final byte[] prefixBytes;
    private final InstantSource clock;
    private final RedisClient redis;
    private final SignalWaits waits;
    private final SecureRandom tokens = new SecureRandom();
    private final Map<RunId, List<EventSubscription>> subscriptions = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private RedisStateStore(RedisEndpoint endpoint, String prefix, InstantSource clock, RedisClient redis) {
        this.endpoint = endpoint;
        this.prefix = prefix;
        this.prefixBytes = Codec.utf8(prefix);
        this.clock = clock;
        this.redis = redis;
        this.waits = new SignalWaits(endpoint, redis, this::restoreSignals);
    }

    static RedisStateStore open(RedisEndpoint endpoint, String prefix, InstantSource clock) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        pool.setJmxEnabled(false);
        RedisClient redis = RedisClient.builder()
                .hostAndPort(endpoint.address())
                .clientConfig(endpoint.config())
                .poolConfig(pool)
                .build();
        try {
            redis.ping();
            for (LuaScript s : ALL) {
                s.load(redis);
            }
            checkLayout(redis, endpoint, prefix);
        } catch (GyreException e) {
            redis.close();
            throw e;
        } catch (RuntimeException e) {
            redis.close();
            throw Failures.translate(e, endpoint);
        }
        return new RedisStateStore(endpoint, prefix, clock, redis);
    }

    /**
     * Refuses a prefix that holds data in another key layout than {@link Codec#LAYOUT}, and marks an unmarked
     * one as this layout. Layout 1 (Gyre before ADR 0015) wrote no mark: its data is recognized by the keys every
     * layout-1 store has (the active set, the lease index, the membership keys, or a run hash), looked for only
     * while the mark is missing, so once per store.
     */
    private static void checkLayout(RedisClient redis, RedisEndpoint endpoint, String prefix) {
        String key = prefix + "layout";
        String found = redis.get(key);
        if (found == null && holdsUnmarkedData(redis, prefix)) {
            found = "1";
        }
        if (found == null) {
            redis.set(key, Codec.LAYOUT, SetParams.setParams().nx());
        } else if (!found.equals(Codec.LAYOUT)) {
            throw layoutRefused(endpoint, prefix, found);
        }
    }

    private static GyreException layoutRefused(RedisEndpoint endpoint, String prefix, String found) {
        String who = "another Gyre";
        try {
            who = Integer.parseInt(found) < Integer.parseInt(Codec.LAYOUT) ? "an older Gyre" : "a newer Gyre";
        } catch (NumberFormatException e) {
            // not a layout number Gyre writes: "another Gyre"
        }
        return new GyreException("the Redis store at " + endpoint.display() + " prefix " + prefix
                + " holds data in Gyre's key layout " + found + " (" + who + "); this Gyre uses layout "
                + Codec.LAYOUT + ": use a new --data-dir or another prefix, or delete the keys under " + prefix
                + " (that data is then lost), or finish its runs with the Gyre that wrote them");
    }

    /**
     * Whether an unmarked prefix holds layout-1 data, by the keys only layout 1 wrote: its lease index or a task
     * hash. (Keys both layouts write, such as the membership's, may come from a layout-2 process that kept running
     * through a wipe of the store; its next heartbeat marks the store again.)
     */
    private static boolean holdsUnmarkedData(RedisClient redis, String prefix) {
        if (redis.exists(prefix + "leases")) {
            return true;
        }
        ScanParams runs = new ScanParams().match(prefix + "task:*").count(10_000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, runs);
            if (!page.getResult().isEmpty()) {
                return true;
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return false;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    // ---------------------------------------------------------------- runs and tasks

    @Override
    public void createRun(RunRecord run, Collection<TaskRecord> tasks) {
        Set<TaskId> seen = new HashSet<>();
        List<Object> args = new ArrayList<>(5 + 2 * tasks.size());
        args.add(run.id().value());
        args.add(run.state().name());
        args.add(Long.toString(run.version()));
        args.add(runData(run));
        args.add(Integer.toString(tasks.size()));
        for (TaskRecord t : tasks) {
            if (!t.run().equals(run.id())) {
                throw new GyreException("task " + t.id() + " belongs to run " + t.run() + ", not to " + run.id()
                        + "; create each run with its own tasks");
            }
            if (!seen.add(t.id())) {
                throw new GyreException("task " + t.id() + " appears twice in run " + run.id());
            }
            args.add(t.id().value());
            args.add(Codec.task(t));
        }
        List<Object> r = run(CREATE_RUN, args.toArray());
        if (status(r).equals("EXISTS")) {
            throw new GyreException("run " + run.id() + " already exists; pick a new run id or resume it");
        }
        if (status(r).equals("LAYOUT")) {
            throw layoutRefused(endpoint, prefix, str(r, 1));
        }
        expect(r, "OK");
    }

    @Override
    public List<TaskRecord> addTasks(RunId run, Collection<TaskRecord> tasks) {
        Set<TaskId> seen = new HashSet<>();
        List<Object> args = new ArrayList<>(2 + 2 * tasks.size());
        args.add(run.value());
        args.add(Integer.toString(tasks.size()));
        List<TaskId> ids = new ArrayList<>(tasks.size());
        for (TaskRecord t : tasks) {
            if (!t.run().equals(run)) {
                throw new GyreException("task " + t.id() + " belongs to run " + t.run() + ", not to " + run
                        + "; add each run's tasks to it");
            }
            if (!seen.add(t.id())) {
                throw new GyreException("task " + t.id() + " appears twice among the tasks added to run " + run);
            }
            ids.add(t.id());
            args.add(t.id().value());
            args.add(Codec.task(t));
        }
        List<Object> r = run(ADD_TASKS, args.toArray());
        if (status(r).equals("NORUN")) {
            throw new NotFoundException("run " + run);
        }
        expect(r, "OK");
        List<TaskRecord> out = new ArrayList<>(ids.size());
        for (int k = 0; k < ids.size(); k++) {
            out.add(Codec.task(run, ids.get(k), bytes(r, 1 + k)));
        }
        return out;
    }

    @Override
    public RunRecord run(RunId id) {
        List<Object> r = run(GET_RUN, id.value());
        if (status(r).equals("NORUN")) {
            throw new NotFoundException("run " + id);
        }
        expect(r, "OK");
        Codec.Reader d = new Codec.Reader(bytes(r, 3));
        String flow = d.str();
        Instant created = Codec.time(d.str());
        Instant ended = Codec.instant(d.opt());
        return new RunRecord(id, flow, RunState.valueOf(str(r, 1)), Long.parseLong(str(r, 2)), created, ended, d.map());
    }

    @Override
    public RunRecord updateRun(RunRecord next) {
        return updateRun(next, null);
    }

    @Override
    public RunRecord updateRun(RunRecord next, @Nullable RunFence fence) {
        List<Object> r = run(
                UPDATE_RUN,
                next.id().value(),
                Long.toString(next.version()),
                next.state().name(),
                runData(next),
                token(fence, next.id()));
        fenced(r, fence);
        switch (status(r)) {
            case "NORUN" -> throw new NotFoundException("run " + next.id());
            case "CONFLICT" ->
                throw new VersionConflictException("run " + next.id(), next.version(), Long.parseLong(str(r, 1)));
            case "ILLEGAL" ->
                throw new IllegalTransitionException(
                        RunState.MACHINE.name(), RunState.valueOf(str(r, 1)), next.state());
            default -> expect(r, "OK");
        }
        RunState before = RunState.valueOf(str(r, 1));
        if (before != next.state()) {
            RunState.MACHINE.require(before, next.state()); // tells the machine's observers
        }
        return next.withVersion(Long.parseLong(str(r, 2)));
    }

    @Override
    public TaskRecord task(RunId run, TaskId task) {
        List<Object> r = run(GET_TASK, run.value(), task.value());
        notFound(r, run, task);
        expect(r, "OK");
        return Codec.task(run, task, bytes(r, 1));
    }

    @Override
    public TaskRecord updateTask(TaskRecord next) {
        return updateTask(next, null);
    }

    @Override
    public TaskRecord updateTask(TaskRecord next, @Nullable RunFence fence) {
        List<Object> r = run(
                UPDATE_TASK,
                next.run().value(),
                next.id().value(),
                Long.toString(next.version()),
                next.state().name(),
                Codec.taskRest(next),
                token(fence, next.run()));
        notFound(r, next.run(), next.id());
        fenced(r, fence);
        switch (status(r)) {
            case "CONFLICT" ->
                throw new VersionConflictException(
                        "task " + next.run() + "/" + next.id(), next.version(), Long.parseLong(str(r, 1)));
            case "ILLEGAL" ->
                throw new IllegalTransitionException(
                        TaskState.MACHINE.name(), TaskState.valueOf(str(r, 1)), next.state());
            default -> expect(r, "OK");
        }
        TaskState before = TaskState.valueOf(str(r, 1));
        if (before != next.state()) {
            TaskState.MACHINE.require(before, next.state());
        }
        return next.withVersion(Long.parseLong(str(r, 2)));
    }

    @Override
    public List<Event> moveTasks(RunId run, List<TaskMove> moves, List<Event> events) {
        return moveTasks(run, moves, events, null);
    }

    @Override
    public List<Event> moveTasks(RunId run, List<TaskMove> moves, List<Event> events, @Nullable RunFence fence) {
        if (moves.isEmpty() && events.isEmpty()) {
            return List.of();
        }
        List<Object> args = new ArrayList<>(4 + 9 * moves.size() + events.size());
        args.add(run.value());
        args.add(token(fence, run));
        args.add(Integer.toString(moves.size()));
        args.add(Integer.toString(events.size()));
        for (TaskMove m : moves) {
            WorkItem item = m.item();
            if (item != null && !item.run().equals(run)) {
                throw new GyreException("a work item of run " + item.run() + " in a batch of run " + run);
            }
            args.add(m.task().value());
            args.add(m.from().name());
            args.add(Integer.toString(m.attempts()));
            args.add(m.to().name());
            if (m.endsAttempt()) {
                args.add("1");
                args.add(m.exitCode() == null ? "" : m.exitCode().toString());
                args.add(Codec.ended(
                        m.endedAt(), m.failure(), m.outputs(), "the outputs of task " + run + "/" + m.task()));
            } else {
                args.add("");
                args.add("");
                args.add("");
            }
            args.add(item == null ? "" : item.queue().value());
            args.add(item == null ? "" : Codec.item(item));
        }
        for (Event e : events) {
            if (!e.run().equals(run)) {
                throw new GyreException("an event of run " + e.run() + " in a batch of run " + run
                        + "; append each run's events with its own batch");
            }
            args.add(Codec.event(e));
        }
        List<Object> r = run(MOVE_TASKS, args.toArray());
        fenced(r, fence);
        switch (status(r)) {
            case "NORUN" -> throw new NotFoundException("run " + run);
            case "NOTASK" -> throw new NotFoundException("task " + str(r, 1) + " in run " + run);
            case "MOVED" -> {
                TaskId t = TaskId.of(str(r, 1));
                TaskMove m = moves.stream()
                        .filter(x -> x.task().equals(t))
                        .findFirst()
                        .orElseThrow();
                throw VersionConflictException.moved(run, m, TaskState.valueOf(str(r, 2)), Integer.parseInt(str(r, 3)));
            }
            case "ILLEGAL" ->
                throw new IllegalTransitionException(
                        TaskState.MACHINE.name(), TaskState.valueOf(str(r, 2)), TaskState.valueOf(str(r, 3)));
            default -> expect(r, "OK");
        }
        for (TaskMove m : moves) {
            if (m.from() != m.to()) {
                TaskState.MACHINE.require(m.from(), m.to()); // tells the machine's observers
            }
        }
        List<Event> stored = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            stored.add(events.get(i).withSeq(Long.parseLong(str(r, i + 1))));
        }
        handOver(stored);
        return stored;
    }

    // ---------------------------------------------------------------- queues and leases

    @Override
    public void enqueue(WorkItem item) {
        enqueue(item, null);
    }

    @Override
    public void enqueue(WorkItem item, @Nullable RunFence fence) {
        byte[] encoded = Codec.item(item);
        List<Object> r = run(
                ENQUEUE,
                item.run().value(),
                item.task().value(),
                Integer.toString(item.attempt()),
                item.queue().value(),
                encoded,
                token(fence, item.run()));
        notFound(r, item.run(), item.task());
        fenced(r, fence);
        switch (status(r)) {
            case "NOTREADY" ->
                throw new GyreException("cannot enqueue " + item.run() + "/" + item.task() + ": it is "
                        + TaskState.valueOf(str(r, 1)).wireName() + ", not ready; move it to ready first");
            case "ATTEMPT" -> {
                int started = Integer.parseInt(str(r, 1));
                throw new GyreException("cannot enqueue attempt " + item.attempt() + " of " + item.run() + "/"
                        + item.task() + ": " + started + " attempts have started, so the next is " + (started + 1));
            }
            default -> expect(r, "OK");
        }
    }

    @Override
    public Optional<Lease> claim(WorkerId worker, List<QueueName> queues, Duration ttl, Duration wait) {
        List<Lease> one = claimAll(worker, queues, ttl, wait, 1);
        return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
    }

    @Override
    public List<Lease> claimAll(WorkerId worker, List<QueueName> queues, Duration ttl, Duration wait, int max) {
        requirePositive("ttl", ttl);
        requireNotNegative("wait", wait);
        if (queues.isEmpty()) {
            throw new GyreException("claim needs at least one queue to take work from");
        }
        if (max < 1) {
            throw new GyreException("claimAll needs max >= 1, not " + max);
        }
        requireOpen();
        long deadline = System.nanoTime() + wait.toNanos();
        List<byte[]> signals = null;
        while (true) {
            List<Lease> leases = tryClaim(worker, queues, ttl, max);
            if (!leases.isEmpty()) {
                return leases;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || closed || Thread.currentThread().isInterrupted()) {
                return List.of();
            }
            if (signals == null) {
                signals = new ArrayList<>(queues.size());
                for (QueueName q : queues) {
                    signals.add(Codec.utf8(prefix + "ready-signal:" + q.value()));
                }
            }
            waits.await(signals, Duration.ofNanos(remaining));
            if (closed || Thread.currentThread().isInterrupted()) {
                return List.of();
            }
        }
    }

    private List<Lease> tryClaim(WorkerId worker, List<QueueName> queues, Duration ttl, int max) {
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        String[] tokens = new String[max];
        Object[] args = new Object[5 + queues.size() + max];
        args[0] = worker.value();
        args[1] = Codec.time(now);
        args[2] = leaseHead(expires) + worker.value() + "|";
        args[3] = Integer.toString(max);
        args[4] = Integer.toString(queues.size());
        for (int i = 0; i < queues.size(); i++) {
            args[5 + i] = queues.get(i).value();
        }
        for (int k = 0; k < max; k++) {
            tokens[k] = newToken();
            args[5 + queues.size() + k] = tokens[k];
        }
        List<Object> r = run(CLAIM, args);
        if (status(r).equals("EMPTY")) {
            return List.of();
        }
        expect(r, "OK");
        int claimed = (r.size() - 1) / 2;
        List<Lease> leases = new ArrayList<>(claimed);
        List<Event> started = new ArrayList<>(claimed);
        for (int k = 0; k < claimed; k++) {
            WorkItem item = Codec.item(bytes(r, 1 + 2 * k));
            TaskState.MACHINE.require(TaskState.READY, TaskState.RUNNING);
            started.add(new Event(
                    item.run(),
                    Long.parseLong(str(r, 2 + 2 * k)),
                    now,
                    EventKind.TASK_STARTED,
                    item.task(),
                    Map.of("attempt", Integer.toString(item.attempt()), "worker", worker.value())));
            leases.add(new Lease(item, worker, tokens[k], expires));
        }
        handOver(started);
        return leases;
    }

    @Override
    public Lease heartbeat(Lease lease, Duration ttl) {
        requirePositive("ttl", ttl);
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        WorkItem claimed = lease.item();
        List<Object> r = run(
                HEARTBEAT,
                lease.token(),
                head(claimed),
                Long.toString(now.getEpochSecond()),
                Integer.toString(now.getNano()),
                leaseHead(expires));
        stale(r, lease);
        return new Lease(Codec.item(bytes(r, 1)), WorkerId.of(str(r, 2)), lease.token(), expires);
    }

    @Override
    public void complete(Lease lease, TaskOutcome outcome) {
        List<Object> r = commit(List.of(new LeaseOutcome(lease, outcome)));
        stale(r.subList(1, 3), lease);
    }

    @Override
    public List<Lease> completeAll(List<LeaseOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return List.of();
        }
        List<Object> r = commit(outcomes);
        List<Lease> refused = new ArrayList<>();
        for (int k = 0; k < outcomes.size(); k++) {
            if (!str(r, 1 + 2 * k).equals("OK")) {
                refused.add(outcomes.get(k).lease());
            }
        }
        return refused;
    }

    /** Runs complete_all: status OK, then per outcome its status and the lease's expiry if it expired. */
    private List<Object> commit(List<LeaseOutcome> outcomes) {
        Instant now = clock.instant();
        List<Object> args = new ArrayList<>(4 + 4 * outcomes.size());
        args.add(Long.toString(now.getEpochSecond()));
        args.add(Integer.toString(now.getNano()));
        args.add(Codec.time(now));
        args.add(Integer.toString(outcomes.size()));
        for (LeaseOutcome o : outcomes) {
            WorkItem claimed = o.lease().item();
            args.add(o.lease().token());
            args.add(claimed.run().value());
            args.add(head(claimed));
            args.add(Codec.outcome(o.outcome()));
        }
        List<Object> r = run(COMPLETE_ALL, args.toArray());
        expect(r, "OK");
        return r;
    }

    /** How a work item's encoding starts: {@code run|task|attempt|}, what a lease's item is checked against. */
    private static String head(WorkItem item) {
        return item.run().value() + "|" + item.task().value() + "|" + item.attempt() + "|";
    }

    /** The start of a packed lease: {@code expirySeconds|expiryNanos|expiry text|} (the worker and item follow). */
    private static String leaseHead(Instant expires) {
        return expires.getEpochSecond() + "|" + expires.getNano() + "|" + expires + "|";
    }

    private static void stale(List<Object> r, Lease lease) {
        switch (status(r)) {
            case "RELEASED" ->
                throw new StaleLeaseException(lease, "already released: completed, or reaped after it expired");
            case "OTHER" -> throw new StaleLeaseException(lease, "its token belongs to another task");
            case "EXPIRED" ->
                throw new StaleLeaseException(lease, "expired at " + str(r, 1) + "; heartbeat more often than the ttl");
            default -> expect(r, "OK");
        }
    }

    @Override
    public List<Lease> reapExpiredLeases(Instant now) {
        List<Object> r = run(
                REAP,
                Long.toString(now.getEpochSecond()),
                Integer.toString(now.getNano()),
                Codec.time(now),
                Completion.LEASE_EXPIRED);
        List<Lease> reaped = new ArrayList<>(r.size() / 4);
        for (int i = 0; i + 3 < r.size(); i += 4) {
            reaped.add(new Lease(
                    Codec.item(bytes(r, i + 1)), WorkerId.of(str(r, i + 2)), str(r, i), Instant.parse(str(r, i + 3))));
        }
        return reaped;
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
        requireOpen();
        long deadline = System.nanoTime() + wait.toNanos();
        List<byte[]> signal = List.of(Codec.utf8(prefix + "inbox-signal:" + run.value()));
        while (true) {
            List<Object> r = run(TAKE_COMPLETIONS, run.value(), Integer.toString(max), token(fence, run));
            if (status(r).equals("NORUN")) {
                throw new NotFoundException("run " + run);
            }
            fenced(r, fence);
            expect(r, "OK");
            if (r.size() > 1) {
                List<Completion> taken = new ArrayList<>(r.size() - 1);
                for (int i = 1; i < r.size(); i++) {
                    taken.add(Codec.completion(bytes(r, i)));
                }
                return taken;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || closed || Thread.currentThread().isInterrupted()) {
                return List.of();
            }
            waits.await(signal, Duration.ofNanos(remaining));
            if (closed || Thread.currentThread().isInterrupted()) {
                return List.of();
            }
        }
    }

    // ---------------------------------------------------------------- events

    @Override
    public Event append(Event event) {
        return appendAll(List.of(event), null).get(0);
    }

    @Override
    public List<Event> appendAll(List<Event> events) {
        return appendAll(events, null);
    }

    @Override
    public List<Event> appendAll(List<Event> events, @Nullable RunFence fence) {
        if (events.isEmpty()) {
            return List.of();
        }
        Object[] args = new Object[2 + 2 * events.size()];
        args[0] = Integer.toString(events.size());
        for (int i = 0; i < events.size(); i++) {
            args[1 + 2 * i] = events.get(i).run().value();
            args[2 + 2 * i] = Codec.event(events.get(i));
        }
        String token = "";
        for (Event e : events) {
            token = token(fence, e.run());
        }
        args[args.length - 1] = token;
        List<Object> r = run(APPEND, args);
        if (status(r).equals("NORUN")) {
            throw new NotFoundException("run " + str(r, 1));
        }
        fenced(r, fence);
        expect(r, "OK");
        List<Event> stored = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            stored.add(events.get(i).withSeq(Long.parseLong(str(r, i + 1))));
        }
        handOver(stored);
        return stored;
    }

    /** Delivers just-appended events to this store's subscribers of their runs. */
    private void handOver(List<Event> stored) {
        if (subscriptions.isEmpty()) {
            return;
        }
        Map<RunId, List<Event>> byRun = new LinkedHashMap<>();
        for (Event e : stored) {
            if (subscriptions.containsKey(e.run())) {
                byRun.computeIfAbsent(e.run(), k -> new ArrayList<>()).add(e);
            }
        }
        byRun.forEach((run, list) -> {
            for (EventSubscription s : subscriptions.getOrDefault(run, List.of())) {
                s.handOver(list);
            }
        });
    }

    // ---------------------------------------------------------------- membership and fencing

    @Override
    public Member heartbeat(OrchestratorId id, Duration ttl) {
        requirePositive("ttl", ttl);
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        List<Object> r = run(
                MEMBER_HEARTBEAT,
                id.value(),
                Long.toString(now.getEpochSecond()),
                Integer.toString(now.getNano()),
                Long.toString(expires.getEpochSecond()),
                Integer.toString(expires.getNano()),
                expires.toString());
        expect(r, "OK");
        return new Member(id, Long.parseLong(str(r, 1)), expires);
    }

    @Override
    public void leave(OrchestratorId id) {
        expect(run(MEMBER_LEAVE, id.value()), "OK");
    }

    @Override
    public List<Member> liveMembers() {
        Instant now = clock.instant();
        List<Object> r = run(MEMBERS_LIVE, Long.toString(now.getEpochSecond()), Integer.toString(now.getNano()));
        expect(r, "OK");
        List<Member> live = new ArrayList<>((r.size() - 1) / 3);
        for (int i = 1; i + 2 < r.size(); i += 3) {
            live.add(new Member(
                    OrchestratorId.of(str(r, i)), Long.parseLong(str(r, i + 1)), Instant.parse(str(r, i + 2))));
        }
        live.sort(java.util.Comparator.comparing(Member::id));
        return live;
    }

    @Override
    public Optional<RunFence> claimRun(RunId run, OrchestratorId claimant) {
        Instant now = clock.instant();
        List<Object> r = run(
                CLAIM_RUN,
                run.value(),
                claimant.value(),
                Long.toString(now.getEpochSecond()),
                Integer.toString(now.getNano()));
        return switch (status(r)) {
            case "NORUN" -> throw new NotFoundException("run " + run);
            case "FINAL", "NOTOWNER" -> Optional.empty();
            default -> {
                expect(r, "OK");
                yield Optional.of(new RunFence(run, claimant, Long.parseLong(str(r, 1))));
            }
        };
    }

    @Override
    public Optional<RunFence> fence(RunId run) {
        List<Object> r = run(GET_FENCE, run.value());
        return switch (status(r)) {
            case "NORUN" -> throw new NotFoundException("run " + run);
            case "NONE" -> Optional.empty();
            default -> {
                expect(r, "OK");
                yield Optional.of(new RunFence(run, OrchestratorId.of(str(r, 1)), Long.parseLong(str(r, 2))));
            }
        };
    }

    @Override
    public List<RunId> activeRuns() {
        List<Object> r = run(ACTIVE_RUNS);
        expect(r, "OK");
        List<RunId> out = new ArrayList<>(r.size() - 1);
        for (int i = 1; i < r.size(); i++) {
            out.add(RunId.of(str(r, i)));
        }
        out.sort(null);
        return out;
    }

    @Override
    public StateStore fenced(RunFence fence) {
        return new FencedStateStore(this, this, fence);
    }

    /** The token argument of a write to {@code run}: '' when unfenced; a fence for another run is misuse. */
    private static String token(@Nullable RunFence fence, RunId run) {
        if (fence == null) {
            return "";
        }
        if (!fence.run().equals(run)) {
            throw new GyreException("a driver fenced to run " + fence.run() + " tried to write to run " + run
                    + "; drive each run through its own fenced view");
        }
        return Long.toString(fence.token());
    }

    private static void fenced(List<Object> r, @Nullable RunFence fence) {
        if (fence != null && status(r).equals("FENCED")) {
            throw new FencedException(fence, Long.parseLong(str(r, 1)));
        }
    }

    // ---------------------------------------------------------------- queries

    @Override
    public List<TaskRecord> tasks(RunId run) {
        List<Object> r = run(GET_TASKS, run.value());
        if (status(r).equals("NORUN")) {
            throw new NotFoundException("run " + run);
        }
        expect(r, "OK");
        List<TaskRecord> out = new ArrayList<>((r.size() - 1) / 2);
        for (int i = 1; i + 1 < r.size(); i += 2) {
            out.add(Codec.task(run, TaskId.of(str(r, i)), bytes(r, i + 1)));
        }
        return out;
    }

    @Override
    public List<Event> events(RunId run, long afterSeq, int limit) {
        if (limit < 0) {
            throw new GyreException("events needs limit >= 0, not " + limit);
        }
        long start = Math.max(afterSeq, 0);
        if (limit == 0) {
            eventCount(run); // still reports an unknown run
            return List.of();
        }
        List<Object> r = run(EVENTS, run.value(), Long.toString(start), Long.toString(start + limit - 1));
        if (status(r).equals("NORUN")) {
            throw new NotFoundException("run " + run);
        }
        expect(r, "OK");
        List<Event> out = new ArrayList<>(r.size() - 1);
        for (int i = 1; i < r.size(); i++) {
            out.add(Codec.event(run, start + i, bytes(r, i)));
        }
        return out;
    }

    private long eventCount(RunId run) {
        List<Object> r = run(EVENT_COUNT, run.value());
        if (status(r).equals("NORUN")) {
            throw new NotFoundException("run " + run);
        }
        expect(r, "OK");
        return Long.parseLong(str(r, 1));
    }

    @Override
    public long queueDepth(QueueName queue) {
        return call(() -> redis.llen(prefix + "ready:" + queue.value()));
    }

    @Override
    public long leaseCount() {
        return call(() -> redis.hlen(prefix + "lease"));
    }

    @Override
    public AutoCloseable subscribe(RunId run, EventListener listener) {
        requireOpen();
        long last = eventCount(run);
        Jedis feed = call(() -> new Jedis(endpoint.address(), endpoint.config()));
        EventSubscription s =
                new EventSubscription(run, listener, last, (after, limit) -> events(run, after, limit), feed);
        subscriptions.computeIfAbsent(run, k -> new CopyOnWriteArrayList<>()).add(s);
        s.start(prefix + "feed:" + run.value(), () -> eventCount(run));
        return () -> {
            subscriptions.computeIfPresent(run, (k, list) -> {
                list.remove(s);
                return list.isEmpty() ? null : list;
            });
            s.close();
        };
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        waits.close();
        subscriptions.values().forEach(list -> list.forEach(EventSubscription::close));
        subscriptions.clear();
        redis.close();
    }

    // ---------------------------------------------------------------- helpers

    /** Runs a script with the prefix and {@code args} (strings or byte arrays) as ARGV. */
    private List<Object> run(LuaScript script, Object... args) {
        requireOpen();
        List<byte[]> argv = new ArrayList<>(args.length + 1);
        argv.add(prefixBytes);
        for (Object a : args) {
            argv.add(a instanceof byte[] b ? b : Codec.utf8(a.toString()));
        }
        return call(() -> script.run(redis, argv));
    }

    private <T> T call(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (GyreException e) {
            throw e;
        } catch (RuntimeException e) {
            if (closed) {
                throw new GyreException("the Redis store is closed; connect a new one", e);
            }
            throw Failures.translate(e, endpoint);
        }
    }

    private void restoreSignals(List<byte[]> keys) {
        try {
            run(RESIGNAL, keys.toArray());
        } catch (GyreException e) {
            // Redis is unreachable: the signals are gone with it, and the next attempt reports the failure.
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new GyreException("the Redis store is closed; connect a new one");
        }
    }

    private String newToken() {
        byte[] b = new byte[16];
        tokens.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static byte[] runData(RunRecord run) {
        return Codec.limited(
                new Codec.Writer()
                        .str(run.flow())
                        .str(Codec.time(run.createdAt()))
                        .str(run.endedAt() == null ? "" : Codec.time(run.endedAt()))
                        .map(run.context())
                        .bytes(),
                "run " + run.id() + " (its flow name and context)");
    }

    private static void notFound(List<Object> r, RunId run, TaskId task) {
        switch (status(r)) {
            case "NORUN" -> throw new NotFoundException("run " + run);
            case "NOTASK" -> throw new NotFoundException("task " + task + " in run " + run);
            default -> {}
        }
    }

    private static String status(List<Object> r) {
        return str(r, 0);
    }

    private static void expect(List<Object> r, String status) {
        if (!status(r).equals(status)) {
            throw new GyreException("a Redis store script answered " + status(r) + " where " + status
                    + " was expected; this is a bug in gyre-redis");
        }
    }

    private static byte[] bytes(List<Object> r, int i) {
        Object o = r.get(i);
        if (o instanceof byte[] b) {
            return b;
        }
        if (o instanceof Long l) {
            return Codec.utf8(l.toString());
        }
        throw new GyreException("a Redis store script answered " + o + " at position " + i
                + " where a string was expected; this is a bug in gyre-redis");
    }

    private static String str(List<Object> r, int i) {
        return Codec.utf8(bytes(r, i));
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
}
