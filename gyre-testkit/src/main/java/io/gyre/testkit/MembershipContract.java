package io.gyre.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.Action;
import io.gyre.api.Completion;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.FencedException;
import io.gyre.api.GyreException;
import io.gyre.api.Lease;
import io.gyre.api.Member;
import io.gyre.api.Membership;
import io.gyre.api.NotFoundException;
import io.gyre.api.OrchestratorId;
import io.gyre.api.QueueName;
import io.gyre.api.Rendezvous;
import io.gyre.api.RunFence;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.StateQueries;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import io.gyre.api.TaskMove;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import io.gyre.api.WorkItem;
import io.gyre.api.WorkerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Membership}: orchestrator membership by heartbeat, run ownership by rendezvous hashing
 * over the live members, and fencing of a driver's writes (ADR 0012). Every store that implements
 * {@link Membership} runs it. Time comes from a {@link ManualClock}; nothing sleeps.
 */
public abstract class MembershipContract {
    protected static final OrchestratorId A = OrchestratorId.of("orch-a");
    protected static final OrchestratorId B = OrchestratorId.of("orch-b");
    protected static final OrchestratorId C = OrchestratorId.of("orch-c");
    protected static final Duration TTL = Duration.ofSeconds(10);
    private static final QueueName QUEUE = QueueName.of("default");
    private static final WorkerId WORKER = WorkerId.of("w1");

    protected ManualClock clock;
    protected StateStore store;
    protected Membership members;
    protected StateQueries queries;

    /** A new, empty store using {@code clock}; it must implement {@link Membership} and {@link StateQueries}. */
    protected abstract StateStore newStore(ManualClock clock);

    @BeforeEach
    void openStore() {
        clock = new ManualClock();
        store = newStore(clock);
        members = (Membership) store;
        queries = (StateQueries) store;
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ------------------------------------------------------------------ membership

    @Test
    void aMemberIsLiveUpToItsExpiryAndGoneAfter() {
        Member a = members.heartbeat(A, TTL);

        assertThat(a.expiresAt()).isEqualTo(clock.instant().plus(TTL));
        assertThat(members.liveMembers()).containsExactly(a);
        clock.advance(TTL);
        assertThat(members.liveMembers()).extracting(Member::id).containsExactly(A);
        clock.advance(Duration.ofNanos(1));
        assertThat(members.liveMembers()).isEmpty();
    }

    @Test
    void heartbeatsKeepTheEpochAndRejoiningAfterALapseOrLeavingStartsANewOne() {
        long first = members.heartbeat(A, TTL).epoch();
        clock.advance(Duration.ofSeconds(5));
        assertThat(members.heartbeat(A, TTL).epoch()).isEqualTo(first);

        clock.advance(TTL.plusSeconds(1));
        long second = members.heartbeat(A, TTL).epoch();
        members.leave(A);
        assertThat(members.liveMembers()).isEmpty();
        long third = members.heartbeat(A, TTL).epoch();

        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(2);
        assertThat(third).isEqualTo(3);
    }

    @Test
    void liveMembersAreOrderedById() {
        members.heartbeat(C, TTL);
        members.heartbeat(A, TTL);
        members.heartbeat(B, TTL);

        assertThat(members.liveMembers()).extracting(Member::id).containsExactly(A, B, C);
    }

    // ------------------------------------------------------------------ ownership

    @Test
    void onlyTheRendezvousOwnerAmongLiveMembersMayClaim() {
        members.heartbeat(A, TTL);
        members.heartbeat(B, TTL);
        RunId run = createRun("r1", 1);
        OrchestratorId owner = Rendezvous.owner(run, List.of(A, B)).orElseThrow();
        OrchestratorId other = owner.equals(A) ? B : A;

        assertThat(members.claimRun(run, other)).isEmpty();
        assertThat(members.fence(run)).isEmpty();
        assertThat(members.claimRun(run, owner)).contains(new RunFence(run, owner, 1));
        assertThat(members.fence(run)).contains(new RunFence(run, owner, 1));
        assertThat(members.claimRun(run, C)).as("not a member").isEmpty();
    }

    @Test
    void ownershipMovesToASurvivorWhenTheOwnersHeartbeatStops() {
        members.heartbeat(A, TTL);
        members.heartbeat(B, TTL);
        RunId run = runOwnedBy(A, List.of(A, B));
        RunFence first = members.claimRun(run, A).orElseThrow();
        assertThat(members.claimRun(run, B)).as("A is alive and owns it").isEmpty();

        clock.advance(Duration.ofSeconds(6));
        members.heartbeat(B, TTL); // A stops heartbeating
        clock.advance(Duration.ofSeconds(5));

        assertThat(members.liveMembers()).extracting(Member::id).containsExactly(B);
        RunFence second = members.claimRun(run, B).orElseThrow();
        assertThat(second.owner()).isEqualTo(B);
        assertThat(second.token()).isGreaterThan(first.token());
        assertThat(members.claimRun(run, A)).as("A's membership lapsed").isEmpty();
    }

    @Test
    void leavingHandsTheRunsOverAtOnce() {
        members.heartbeat(A, TTL);
        members.heartbeat(B, TTL);
        RunId run = runOwnedBy(A, List.of(A, B));
        assertThat(members.claimRun(run, A)).isPresent();

        members.leave(A);

        assertThat(members.claimRun(run, B)).map(RunFence::token).contains(2L);
    }

    @Test
    void tokensOnlyGrowAcrossHandOvers() {
        members.heartbeat(A, TTL);
        RunId run = createRun("r1", 1);
        List<Long> tokens = new ArrayList<>();
        tokens.add(members.claimRun(run, A).orElseThrow().token());
        members.leave(A);
        members.heartbeat(B, TTL);
        tokens.add(members.claimRun(run, B).orElseThrow().token());
        clock.advance(TTL.plusSeconds(1));
        members.heartbeat(A, TTL);
        tokens.add(members.claimRun(run, A).orElseThrow().token());
        tokens.add(members.claimRun(run, A).orElseThrow().token()); // a claim always supersedes, even one's own

        assertThat(tokens).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void ownershipIsStableWhileMembersAreStableAndSpreadOverThem() {
        List<OrchestratorId> all = List.of(A, B, C);
        Map<OrchestratorId, Integer> owned = new HashMap<>();
        List<RunId> runs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            runs.add(createRun("run-" + i, 0));
        }
        for (int round = 0; round < 5; round++) {
            for (OrchestratorId m : all) {
                members.heartbeat(m, TTL);
            }
            clock.advance(Duration.ofSeconds(3));
            for (RunId run : runs) {
                OrchestratorId owner = Rendezvous.owner(run, all).orElseThrow();
                for (OrchestratorId m : all) {
                    if (!m.equals(owner)) {
                        assertThat(members.claimRun(run, m))
                                .as("%s by %s", run, m)
                                .isEmpty();
                    }
                }
                if (round == 0) {
                    assertThat(members.claimRun(run, owner)).isPresent();
                    owned.merge(owner, 1, Integer::sum);
                }
                assertThat(members.fence(run)).map(RunFence::token).contains(1L);
            }
        }
        assertThat(owned.keySet()).containsExactlyInAnyOrder(A, B, C);
    }

    @Test
    void finalRunsAreNotClaimedAndUnknownRunsAreNotFound() {
        members.heartbeat(A, TTL);
        RunId run = createRun("r1", 0);
        RunRecord r = store.updateRun(store.run(run).withState(RunState.RUNNING, null));
        store.updateRun(r.withState(RunState.SUCCEEDED, clock.instant()));

        assertThat(members.claimRun(run, A)).isEmpty();
        assertThatThrownBy(() -> members.claimRun(RunId.of("nope"), A)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void activeRunsAreTheRunsThatAreNotFinal() {
        RunId pending = createRun("r1", 0);
        RunId running = createRun("r2", 0);
        RunId done = createRun("r3", 0);
        store.updateRun(store.run(running).withState(RunState.RUNNING, null));
        RunRecord d = store.updateRun(store.run(done).withState(RunState.RUNNING, null));
        RunRecord failed = store.updateRun(d.withState(RunState.FAILED, clock.instant()));

        assertThat(members.activeRuns()).containsExactly(pending, running);

        store.updateRun(failed.withState(RunState.RUNNING, null)); // resumed: it needs a driver again
        assertThat(members.activeRuns()).containsExactly(pending, running, done);
    }

    // ------------------------------------------------------------------ fencing

    @Test
    void theCurrentFenceWritesLikeTheStoreItself() {
        members.heartbeat(A, TTL);
        RunId run = createRun("r1", 1);
        StateStore driver = members.fenced(members.claimRun(run, A).orElseThrow());

        RunRecord r = driver.updateRun(driver.run(run).withState(RunState.RUNNING, null));
        TaskRecord t = driver.updateTask(driver.task(run, t(0)).withState(TaskState.READY));
        driver.enqueue(item(run, t(0), 1));
        Event e = driver.append(Event.of(run, clock.instant(), EventKind.TASK_READY, t(0), Map.of()));
        Lease lease = driver.claim(WORKER, List.of(QUEUE), TTL, Duration.ZERO).orElseThrow();
        driver.complete(lease, new TaskOutcome.Succeeded(0, Map.of()));

        assertThat(r.version()).isEqualTo(1);
        assertThat(t.state()).isEqualTo(TaskState.READY);
        assertThat(e.seq()).isEqualTo(1);
        assertThat(driver.tasks(run)).extracting(TaskRecord::state).containsExactly(TaskState.RUNNING);
        assertThat(driver.takeCompletions(run, 10, Duration.ZERO)).hasSize(1);
    }

    @Test
    void writesUnderASupersededFenceAreRefusedAndStoreNothing() {
        members.heartbeat(A, TTL);
        RunId run = createRun("r1", 2);
        RunFence old = members.claimRun(run, A).orElseThrow();
        StateStore stale = members.fenced(old);
        stale.updateRun(stale.run(run).withState(RunState.RUNNING, null));
        TaskRecord ready = stale.updateTask(stale.task(run, t(0)).withState(TaskState.READY));
        stale.enqueue(item(run, t(0), 1));
        Lease lease = store.claim(WORKER, List.of(QUEUE), TTL, Duration.ZERO).orElseThrow();
        store.complete(lease, new TaskOutcome.Succeeded(0, Map.of()));
        members.leave(A);
        members.heartbeat(B, TTL);
        RunFence current = members.claimRun(run, B).orElseThrow();
        RunRecord runBefore = store.run(run);
        List<TaskRecord> tasksBefore = store.tasks(run);
        long eventsBefore = queries.events(run, 0, 1000).size();
        Event event = Event.of(run, clock.instant(), EventKind.TASK_READY, t(1), Map.of());

        assertFenced(() -> stale.updateRun(runBefore.withState(RunState.FAILED, clock.instant())), old, current);
        assertFenced(() -> stale.updateTask(store.task(run, t(1)).withState(TaskState.READY)), old, current);
        assertFenced(() -> stale.enqueue(item(run, t(0), 2)), old, current);
        assertFenced(() -> stale.append(event), old, current);
        assertFenced(() -> stale.appendAll(List.of(event, event)), old, current);
        assertFenced(() -> stale.takeCompletions(run, 10, Duration.ZERO), old, current);
        assertFenced(
                () -> stale.moveTasks(
                        run, List.of(TaskMove.ready(TaskState.PENDING, item(run, t(1), 1))), List.of(event)),
                old,
                current);

        assertThat(store.run(run)).isEqualTo(runBefore);
        assertThat(store.tasks(run)).isEqualTo(tasksBefore);
        assertThat(ready.version()).isLessThan(store.task(run, t(0)).version());
        assertThat(queries.events(run, 0, 1000)).hasSize((int) eventsBefore);
        assertThat(queries.queueDepth(QUEUE)).isZero();
        assertThat(members.fenced(current).takeCompletions(run, 10, Duration.ZERO))
                .as("the completion is still there for the new owner")
                .hasSize(1);
    }

    @Test
    void aFencedViewRefusesWritesToOtherRuns() {
        members.heartbeat(A, TTL);
        RunId mine = createRun("r1", 1);
        RunId other = createRun("r2", 1);
        StateStore driver = members.fenced(members.claimRun(mine, A).orElseThrow());

        assertThatThrownBy(() -> driver.updateTask(store.task(other, t(0)).withState(TaskState.READY)))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining(other.value());
        assertThat(store.task(other, t(0)).version()).isZero();
    }

    @Test
    void completionsTakenByAnOwnerThatLostTheRunGoBackToTheInboxInOrder() {
        members.heartbeat(A, TTL);
        RunId run = createRun("r1", 3);
        StateStore a = members.fenced(members.claimRun(run, A).orElseThrow());
        for (int i = 0; i < 3; i++) {
            a.updateTask(a.task(run, t(i)).withState(TaskState.READY));
            a.enqueue(item(run, t(i), 1));
        }
        for (int i = 0; i < 3; i++) {
            Lease lease =
                    store.claim(WORKER, List.of(QUEUE), TTL, Duration.ZERO).orElseThrow();
            store.complete(lease, new TaskOutcome.Succeeded(0, Map.of()));
        }
        assertThat(a.takeCompletions(run, 1, Duration.ZERO))
                .extracting(c -> c.item().task())
                .containsExactly(t(0));
        assertThat(a.takeCompletions(run, 1, Duration.ZERO))
                .as("taking again acknowledges t0")
                .extracting(c -> c.item().task())
                .containsExactly(t(1));

        members.leave(A); // A dies holding t1, unrecorded
        members.heartbeat(B, TTL);
        StateStore b = members.fenced(members.claimRun(run, B).orElseThrow());

        assertThat(b.takeCompletions(run, 10, Duration.ZERO))
                .extracting(c -> c.item().task())
                .containsExactly(t(1), t(2));
        assertThat(b.takeCompletions(run, 10, Duration.ZERO)).isEmpty();
    }

    @Test
    void randomizedHandOversNeverLetTwoOwnersWriteOrLoseACompletion() {
        long seed = new SplittableRandom().nextLong();
        System.out.println("MembershipContract randomized hand-overs: seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        List<OrchestratorId> all = List.of(A, B, C);
        int tasks = 40;
        RunId run = createRun("r1", tasks);
        Map<OrchestratorId, StateStore> views = new HashMap<>();
        List<TaskId> completed = new ArrayList<>();
        List<TaskId> recorded = new ArrayList<>();
        int next = 0;
        for (OrchestratorId m : all) {
            members.heartbeat(m, TTL);
        }
        for (int step = 0; step < 400 && recorded.size() < tasks; step++) {
            OrchestratorId m = all.get(random.nextInt(all.size()));
            switch (random.nextInt(5)) {
                case 0 -> members.heartbeat(m, TTL);
                case 1 -> clock.advance(Duration.ofSeconds(random.nextInt(1, 6)));
                case 2 -> members.claimRun(run, m).ifPresent(f -> views.put(m, members.fenced(f)));
                case 3 -> {
                    if (next < tasks) {
                        TaskRecord t = store.updateTask(store.task(run, t(next)).withState(TaskState.READY));
                        store.enqueue(item(run, t.id(), 1));
                        Lease lease = store.claim(WORKER, List.of(QUEUE), TTL, Duration.ZERO)
                                .orElseThrow();
                        store.complete(lease, new TaskOutcome.Succeeded(0, Map.of()));
                        completed.add(t.id());
                        next++;
                    }
                }
                default -> {
                    StateStore view = views.get(m);
                    if (view == null) {
                        continue;
                    }
                    try {
                        for (Completion c : view.takeCompletions(run, random.nextInt(1, 4), Duration.ZERO)) {
                            TaskRecord cur = view.task(run, c.item().task());
                            if (cur.state() == TaskState.RUNNING) {
                                view.updateTask(cur.ended(TaskState.SUCCEEDED, 0, clock.instant(), null, Map.of()));
                                recorded.add(cur.id());
                            }
                        }
                    } catch (FencedException superseded) {
                        views.remove(m);
                    }
                }
            }
        }
        // Whoever owns the run at the end records the rest.
        for (OrchestratorId m : all) {
            members.heartbeat(m, TTL);
        }
        OrchestratorId last = Rendezvous.owner(run, all).orElseThrow();
        StateStore view = members.fenced(members.claimRun(run, last).orElseThrow());
        for (Completion c : view.takeCompletions(run, 1000, Duration.ZERO)) {
            TaskRecord cur = view.task(run, c.item().task());
            if (cur.state() == TaskState.RUNNING) {
                view.updateTask(cur.ended(TaskState.SUCCEEDED, 0, clock.instant(), null, Map.of()));
                recorded.add(cur.id());
            }
        }

        assertThat(recorded).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(completed);
        assertThat(recorded).as("seed %d", seed).doesNotHaveDuplicates();
    }

    // ------------------------------------------------------------------ helpers

    private static void assertFenced(Runnable write, RunFence stale, RunFence current) {
        assertThatThrownBy(write::run)
                .isInstanceOfSatisfying(FencedException.class, e -> {
                    assertThat(e.fence()).isEqualTo(stale);
                    assertThat(e.current()).isEqualTo(current.token());
                })
                .hasMessageContaining(stale.run().value());
    }

    /** A run (with tasks t0..t(n-1), pending) whose rendezvous owner among {@code live} is {@code owner}. */
    private RunId runOwnedBy(OrchestratorId owner, List<OrchestratorId> live) {
        for (int i = 0; ; i++) {
            RunId run = RunId.of("run-" + i);
            if (Rendezvous.owner(run, live).orElseThrow().equals(owner)) {
                return createRun(run.value(), 1);
            }
        }
    }

    protected RunId createRun(String id, int tasks) {
        RunId run = RunId.of(id);
        List<TaskRecord> records = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            records.add(TaskRecord.pending(run, t(i)));
        }
        store.createRun(
                new RunRecord(run, "flow", RunState.PENDING, 0, Instant.parse("2026-01-01T00:00:00Z"), null, Map.of()),
                records);
        return run;
    }

    protected static TaskId t(int i) {
        return TaskId.of("t" + i);
    }

    private static WorkItem item(RunId run, TaskId task, int attempt) {
        return new WorkItem(run, task, attempt, new Action.Java("noop"), Map.of(), null, QUEUE, Map.of());
    }
}
