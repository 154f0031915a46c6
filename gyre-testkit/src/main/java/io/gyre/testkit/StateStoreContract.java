package io.gyre.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.gyre.api.Action;
import io.gyre.api.Completion;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.Failure;
import io.gyre.api.GyreException;
import io.gyre.api.IllegalTransitionException;
import io.gyre.api.Lease;
import io.gyre.api.LeaseOutcome;
import io.gyre.api.NotFoundException;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.StaleLeaseException;
import io.gyre.api.StateQueries;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import io.gyre.api.TaskMove;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import io.gyre.api.VersionConflictException;
import io.gyre.api.WorkItem;
import io.gyre.api.WorkerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link StateStore} (and its {@link StateQueries} view) that every implementation runs: the
 * in-memory store, the Redis store, and any other. Subclass it and provide a fresh, empty store per test.
 *
 * <p>Time comes from a {@link ManualClock}: leases expire when a test advances it. Waits (claim, take) are
 * real but short and bounded, and no test sleeps.
 *
 * <p>Lease currency, as every implementation must behave: a lease is current while it has not been released
 * (completed or reaped) and the clock is not past its {@code expiresAt}. A heartbeat or completion after
 * {@code expiresAt} is refused even if the reaper has not run yet, so a late worker's fate never depends on the
 * reaper's timing; such a lease still counts as live until {@link StateStore#reapExpiredLeases} releases it.
 */
public abstract class StateStoreContract {
    protected static final RunId RUN = RunId.of("run-a");
    protected static final RunId OTHER_RUN = RunId.of("run-b");
    protected static final QueueName CPU = QueueName.of("cpu");
    protected static final QueueName GPU = QueueName.of("gpu");
    protected static final WorkerId WORKER = WorkerId.of("worker-1");
    protected static final WorkerId OTHER_WORKER = WorkerId.of("worker-2");
    protected static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(50);
    private static final Duration LONG = Duration.ofSeconds(30);

    protected ManualClock clock;
    protected StateStore store;
    protected StateQueries queries;

    /** A new, empty store using {@code clock} for timestamps and lease expiry. */
    protected abstract StateStore newStore(ManualClock clock);

    /** The read view of {@code store}. */
    protected abstract StateQueries queries(StateStore store);

    @BeforeEach
    void openStore() {
        clock = new ManualClock();
        store = newStore(clock);
        queries = queries(store);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ------------------------------------------------------------------ runs and task records

    @Test
    void createRunStoresTheRunAndItsTasksInCreationOrder() {
        createRun(RUN, 5);

        assertThat(store.run(RUN)).isEqualTo(runRecord(RUN));
        assertThat(queries.tasks(RUN)).extracting(TaskRecord::id).containsExactly(t(0), t(1), t(2), t(3), t(4));
        assertThat(store.task(RUN, t(3))).isEqualTo(TaskRecord.pending(RUN, t(3)));
    }

    @Test
    void creatingARunTwiceFailsAndKeepsTheFirst() {
        createRun(RUN, 2);

        assertThatThrownBy(() -> store.createRun(runRecord(RUN), List.of(TaskRecord.pending(RUN, t(9)))))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining(RUN.value());
        assertThat(queries.tasks(RUN)).extracting(TaskRecord::id).containsExactly(t(0), t(1));
    }

    @Test
    void addTasksAddsToAnExistingRunAfterItsTasksAndTheyRunLikeAnyOther() {
        createRun(RUN, 2);

        List<TaskRecord> stored =
                store.addTasks(RUN, List.of(TaskRecord.pending(RUN, t(5)), TaskRecord.pending(RUN, t(6))));

        assertThat(stored).containsExactly(TaskRecord.pending(RUN, t(5)), TaskRecord.pending(RUN, t(6)));
        assertThat(queries.tasks(RUN)).extracting(TaskRecord::id).containsExactly(t(0), t(1), t(5), t(6));
        ready(RUN, t(6), CPU);
        Lease lease = store.claim(WORKER, List.of(CPU), TTL, SHORT).orElseThrow();
        assertThat(lease.item().task()).isEqualTo(t(6));
        assertThat(store.task(RUN, t(6)).state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void addTasksLeavesTasksTheRunAlreadyHasAsTheyAreAndReturnsThemAsStored() {
        createRun(RUN, 1);
        store.addTasks(RUN, List.of(TaskRecord.pending(RUN, t(5))));
        TaskRecord done = store.updateTask(store.task(RUN, t(5)).withState(TaskState.SKIPPED));

        List<TaskRecord> again = store.addTasks(
                RUN,
                List.of(TaskRecord.pending(RUN, t(5)), TaskRecord.pending(RUN, t(0)), TaskRecord.pending(RUN, t(7))));

        assertThat(again).containsExactly(done, TaskRecord.pending(RUN, t(0)), TaskRecord.pending(RUN, t(7)));
        assertThat(store.task(RUN, t(5))).isEqualTo(done);
        assertThat(queries.tasks(RUN)).extracting(TaskRecord::id).containsExactly(t(0), t(5), t(7));
    }

    @Test
    void addTasksRefusesAnUnknownRunAndForeignOrRepeatedTasksAddingNothing() {
        createRun(RUN, 1);
        createRun(OTHER_RUN, 1);

        assertThatThrownBy(
                        () -> store.addTasks(RunId.of("run-z"), List.of(TaskRecord.pending(RunId.of("run-z"), t(1)))))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("run-z");
        assertThatThrownBy(() -> store.addTasks(
                        RUN, List.of(TaskRecord.pending(RUN, t(1)), TaskRecord.pending(OTHER_RUN, t(2)))))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining("belongs to run " + OTHER_RUN.value());
        assertThatThrownBy(() ->
                        store.addTasks(RUN, List.of(TaskRecord.pending(RUN, t(3)), TaskRecord.pending(RUN, t(3)))))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining("appears twice");
        assertThat(queries.tasks(RUN)).extracting(TaskRecord::id).containsExactly(t(0));
    }

    @Test
    void unknownRunsAndTasksAreNotFound() {
        createRun(RUN, 1);

        assertThatThrownBy(() -> store.run(OTHER_RUN))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining(OTHER_RUN.value());
        assertThatThrownBy(() -> store.task(RUN, t(7)))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("t7");
        assertThatThrownBy(() -> store.updateTask(TaskRecord.pending(RUN, t(7))))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(
                        () -> store.append(Event.of(OTHER_RUN, clock.instant(), EventKind.RUN_STARTED, null, Map.of())))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.takeCompletions(OTHER_RUN, 1, Duration.ZERO))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void updateTaskIsACompareAndSetOnTheVersion() {
        createRun(RUN, 1);
        TaskRecord v0 = store.task(RUN, t(0));

        TaskRecord v1 = store.updateTask(v0.withState(TaskState.READY));

        assertThat(v1.version()).isEqualTo(1);
        assertThat(store.task(RUN, t(0))).isEqualTo(v1);
        assertThatThrownBy(() -> store.updateTask(v0.withState(TaskState.CANCELLED)))
                .isInstanceOf(VersionConflictException.class)
                .hasMessageContaining("version 1");
        assertThat(store.task(RUN, t(0))).isEqualTo(v1);
        assertThat(store.updateTask(v1.withState(TaskState.CANCELLED)).version())
                .isEqualTo(2);
    }

    @Test
    void updateTaskWithoutStateChangeStillBumpsTheVersion() {
        createRun(RUN, 1);
        TaskRecord v0 = store.task(RUN, t(0));

        TaskRecord v1 = store.updateTask(v0);

        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.state()).isEqualTo(TaskState.PENDING);
    }

    @Test
    void illegalTaskTransitionIsRefusedAndNothingIsWritten() {
        createRun(RUN, 1);
        TaskRecord v0 = store.task(RUN, t(0));

        assertThatThrownBy(() -> store.updateTask(v0.withState(TaskState.SUCCEEDED)))
                .isInstanceOf(IllegalTransitionException.class);
        assertThat(store.task(RUN, t(0))).isEqualTo(v0);
    }

    @Test
    void updateRunIsACompareAndSetAlongTheRunMachine() {
        createRun(RUN, 0);
        RunRecord v0 = store.run(RUN);

        RunRecord v1 = store.updateRun(v0.withState(RunState.RUNNING, null));

        assertThat(v1.version()).isEqualTo(1);
        assertThat(store.run(RUN)).isEqualTo(v1);
        assertThatThrownBy(() -> store.updateRun(v0.withState(RunState.CANCELLED, clock.instant())))
                .isInstanceOf(VersionConflictException.class);
        assertThatThrownBy(() -> store.updateRun(v1.withState(RunState.PENDING, null)))
                .isInstanceOf(IllegalTransitionException.class);
        assertThat(store.run(RUN)).isEqualTo(v1);
    }

    // ------------------------------------------------------------------ queues and claims

    @Test
    void enqueueRequiresAReadyTask() {
        createRun(RUN, 1);

        assertThatThrownBy(() -> store.enqueue(item(RUN, t(0), 1, CPU)))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining("pending");
        assertThat(queries.queueDepth(CPU)).isZero();
    }

    @Test
    void queuesAreFifo() {
        createRun(RUN, 5);
        for (int i = 0; i < 5; i++) {
            ready(RUN, t(i), CPU);
        }
        assertThat(queries.queueDepth(CPU)).isEqualTo(5);

        List<TaskId> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            order.add(claimNow(List.of(CPU)).item().task());
        }

        assertThat(order).containsExactly(t(0), t(1), t(2), t(3), t(4));
        assertThat(queries.queueDepth(CPU)).isZero();
    }

    @Test
    void claimTakesFromTheFirstNonEmptyQueueInTheGivenOrder() {
        createRun(RUN, 3);
        ready(RUN, t(0), CPU);
        ready(RUN, t(1), GPU);
        ready(RUN, t(2), CPU);

        assertThat(claimNow(List.of(GPU, CPU)).item().task()).isEqualTo(t(1));
        assertThat(claimNow(List.of(GPU, CPU)).item().task()).isEqualTo(t(0));
        assertThat(claimNow(List.of(CPU, GPU)).item().task()).isEqualTo(t(2));
        assertThat(store.claim(WORKER, List.of(GPU, CPU), TTL, Duration.ZERO)).isEmpty();
    }

    @Test
    void claimStartsTheTaskUnderAFreshLeaseAndRecordsTaskStarted() {
        createRun(RUN, 1);
        WorkItem item = ready(RUN, t(0), CPU);
        long versionBefore = store.task(RUN, t(0)).version();
        clock.advance(Duration.ofSeconds(5));

        Lease lease = claimNow(List.of(CPU));

        assertThat(lease.item()).isEqualTo(item);
        assertThat(lease.worker()).isEqualTo(WORKER);
        assertThat(lease.token()).isNotBlank();
        assertThat(lease.expiresAt()).isEqualTo(clock.instant().plus(TTL));
        TaskRecord task = store.task(RUN, t(0));
        assertThat(task.state()).isEqualTo(TaskState.RUNNING);
        assertThat(task.attempts()).isEqualTo(1);
        assertThat(task.startedAt()).isEqualTo(clock.instant());
        assertThat(task.version()).isEqualTo(versionBefore + 1);
        assertThat(queries.leaseCount()).isEqualTo(1);
        assertThat(queries.queueDepth(CPU)).isZero();
        List<Event> events = queries.events(RUN, 0, 10);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).kind()).isEqualTo(EventKind.TASK_STARTED);
        assertThat(events.get(0).task()).isEqualTo(t(0));
        assertThat(events.get(0).seq()).isEqualTo(1);
        assertThat(events.get(0).time()).isEqualTo(clock.instant());
        assertThat(events.get(0).data()).containsEntry("attempt", "1").containsEntry("worker", WORKER.value());
    }

    @Test
    void leaseTokensAreUnique() {
        createRun(RUN, 200);
        for (int i = 0; i < 200; i++) {
            ready(RUN, t(i), CPU);
        }

        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            tokens.add(claimNow(List.of(CPU)).token());
        }

        assertThat(tokens).hasSize(200);
    }

    @Test
    void claimDropsItemsWhoseTaskWasCancelled() {
        createRun(RUN, 2);
        ready(RUN, t(0), CPU);
        ready(RUN, t(1), CPU);
        store.updateTask(store.task(RUN, t(0)).withState(TaskState.CANCELLED));

        assertThat(claimNow(List.of(CPU)).item().task()).isEqualTo(t(1));
        assertThat(queries.queueDepth(CPU)).isZero();
        assertThat(store.task(RUN, t(0)).state()).isEqualTo(TaskState.CANCELLED);
        assertThat(store.claim(WORKER, List.of(CPU), TTL, Duration.ZERO)).isEmpty();
    }

    @Test
    void claimDropsItemsOfAnEarlierAttempt() {
        createRun(RUN, 1);
        WorkItem first = ready(RUN, t(0), CPU);
        store.enqueue(first); // a duplicate of attempt 1, still queued when attempt 2 is
        Lease lease = claimNow(List.of(CPU));
        loseLease(lease);
        WorkItem second = ready(RUN, t(0), CPU);

        Lease next = claimNow(List.of(CPU));

        assertThat(next.item()).isEqualTo(second);
        assertThat(store.task(RUN, t(0)).attempts()).isEqualTo(2);
        assertThat(queries.queueDepth(CPU)).isZero();
    }

    @Test
    void claimOnEmptyQueuesTimesOutEmpty() {
        assertThat(store.claim(WORKER, List.of(CPU), TTL, Duration.ZERO)).isEmpty();
        assertThat(store.claim(WORKER, List.of(CPU, GPU), TTL, SHORT)).isEmpty();
        assertThat(store.claim(WORKER, List.of(GPU), TTL, SHORT)).isEmpty();
        assertThat(queries.leaseCount()).isZero();
    }

    @Test
    void waitingClaimOnOneQueueWakesOnEnqueue() throws Exception {
        createRun(RUN, 1);
        store.updateTask(store.task(RUN, t(0)).withState(TaskState.READY));

        Started<Optional<Lease>> claimer = start(() -> store.claim(WORKER, List.of(CPU), TTL, LONG));
        awaitParked(claimer.thread());
        store.enqueue(item(RUN, t(0), 1, CPU));

        assertThat(claimer.get()).map(l -> l.item().task()).contains(t(0));
    }

    @Test
    void waitingClaimOnSeveralQueuesWakesOnEnqueueToAnyOfThem() throws Exception {
        createRun(RUN, 1);
        store.updateTask(store.task(RUN, t(0)).withState(TaskState.READY));

        Started<Optional<Lease>> claimer = start(() -> store.claim(WORKER, List.of(CPU, GPU), TTL, LONG));
        awaitParked(claimer.thread());
        store.enqueue(item(RUN, t(0), 1, GPU));

        assertThat(claimer.get()).map(l -> l.item().task()).contains(t(0));
    }

    @Test
    void manyWaitingClaimersEachGetOneItem() throws Exception {
        int n = 4;
        createRun(RUN, n);
        List<Started<Optional<Lease>>> claimers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Started<Optional<Lease>> c = start(() -> store.claim(WORKER, List.of(CPU), TTL, LONG));
            awaitParked(c.thread());
            claimers.add(c);
        }
        for (int i = 0; i < n; i++) {
            ready(RUN, t(i), CPU);
        }

        Set<TaskId> claimed = new HashSet<>();
        for (Started<Optional<Lease>> c : claimers) {
            claimed.add(c.get().orElseThrow().item().task());
        }
        assertThat(claimed).hasSize(n);
    }

    @Test
    void interruptedClaimReturnsEmptyAndKeepsTheInterrupt() throws Exception {
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Started<Optional<Lease>> claimer = start(() -> {
            Optional<Lease> got = store.claim(WORKER, List.of(CPU), TTL, LONG);
            stillInterrupted.set(Thread.currentThread().isInterrupted());
            return got;
        });
        awaitParked(claimer.thread());
        claimer.thread().interrupt();

        assertThat(claimer.get()).isEmpty();
        assertThat(stillInterrupted).isTrue();
    }

    // ------------------------------------------------------------------ leases

    @Test
    void heartbeatExtendsTheLease() {
        createRun(RUN, 1);
        ready(RUN, t(0), CPU);
        Lease lease = claimNow(List.of(CPU));
        clock.advance(Duration.ofSeconds(20));

        Lease renewed = store.heartbeat(lease, Duration.ofSeconds(60));

        assertThat(renewed.token()).isEqualTo(lease.token());
        assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofSeconds(60)));
        clock.advance(Duration.ofSeconds(40)); // past the original expiry, within the renewed one
        assertThat(store.reapExpiredLeases(clock.instant())).isEmpty();
        store.complete(lease, TaskOutcome.success()); // the token, not the expiry in the caller's copy, counts
        assertThat(queries.leaseCount()).isZero();
    }

    @Test
    void aLeaseIsCurrentUpToAndIncludingItsExpiry() {
        createRun(RUN, 1);
        ready(RUN, t(0), CPU);
        Lease lease = claimNow(List.of(CPU));
        clock.advance(TTL);

        assertThat(store.reapExpiredLeases(clock.instant())).isEmpty();
        Lease renewed = store.heartbeat(lease, TTL);
        assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plus(TTL));
    }

    @Test
    void heartbeatAndCompleteAfterExpiryAreRefusedEvenBeforeReaping() {
        createRun(RUN, 1);
        ready(RUN, t(0), CPU);
        Lease lease = claimNow(List.of(CPU));
        clock.advance(TTL.plusMillis(1));

        assertThatThrownBy(() -> store.heartbeat(lease, TTL))
                .isInstanceOf(StaleLeaseException.class)
                .hasMessageContaining(lease.token());
        assertThatThrownBy(() -> store.complete(lease, TaskOutcome.success())).isInstanceOf(StaleLeaseException.class);
        assertThat(queries.leaseCount()).as("expired but not yet reaped").isEqualTo(1);
        assertThat(store.takeCompletions(RUN, 10, Duration.ZERO)).isEmpty();
        assertThat(store.reapExpiredLeases(clock.instant())).containsExactly(lease);
    }

    @Test
    void completeReleasesTheLeaseAndPutsTheOutcomeInTheInbox() {
        createRun(RUN, 1);
        WorkItem item = ready(RUN, t(0), CPU);
        Lease lease = claimNow(List.of(CPU));
        clock.advance(Duration.ofSeconds(3));
        TaskOutcome outcome = new TaskOutcome.Succeeded(0, Map.of("ANSWER", "42"));

        store.complete(lease, outcome);

        assertThat(queries.leaseCount()).isZero();
        assertThat(store.takeCompletions(RUN, 10, Duration.ZERO))
                .containsExactly(new Completion(item, outcome, clock.instant()));
        assertThat(store.task(RUN, t(0)).state())
                .as("the orchestrator, not the store, ends the task")
                .isEqualTo(TaskState.RUNNING);
    }

    @Test
    void aSecondCompleteWithTheSameLeaseIsStale() {
        createRun(RUN, 1);
        ready(RUN, t(0), CPU);
        Lease lease = claimNow(List.of(CPU));
        store.complete(lease, TaskOutcome.success());

        assertThatThrownBy(() -> store.complete(lease, TaskOutcome.success())).isInstanceOf(StaleLeaseException.class);
        assertThatThrownBy(() -> store.heartbeat(lease, TTL)).isInstanceOf(StaleLeaseException.class);
        assertThat(store.takeCompletions(RUN, 10, Duration.ZERO)).hasSize(1);
    }

    @Test
    void aForgedTokenIsStale() {
        createRun(RUN, 1);
        ready(RUN, t(0), CPU);
        Lease lease = claimNow(List.of(CPU));
        Lease forged = new Lease(lease.item(), lease.worker(), lease.token() + "0", lease.expiresAt());

        assertThatThrownBy(() -> store.complete(forged, TaskOutcome.success())).isInstanceOf(StaleLeaseException.class);
        assertThat(queries.leaseCount()).isEqualTo(1);
        assertThat(store.takeCompletions(RUN, 10, Duration.ZERO)).isEmpty();
    }

    @Test
    void reapingTurnsAnExpiredLeaseIntoALeaseExpiredCompletionExactlyOnce() {
        createRun(RUN, 2);
        WorkItem item = ready(RUN, t(0), CPU);
        ready(RUN, t(1), CPU);
        Lease expiring = claimNow(List.of(CPU));
        clock.advance(Duration.ofSeconds(20));
        Lease fresh = claimNow(List.of(CPU));
        Instant now = clock.advance(Duration.ofSeconds(11));

        assertThat(store.reapExpiredLeases(now)).containsExactly(expiring);
        assertThat(store.reapExpiredLeases(now)).isEmpty();
        assertThat(queries.leaseCount()).isEqualTo(1);

        List<Completion> inbox = store.takeCompletions(RUN, 10, Duration.ZERO);
        assertThat(inbox).hasSize(1);
        Completion lost = inbox.get(0);
        assertThat(lost.item()).isEqualTo(item);
        assertThat(lost.at()).isEqualTo(now);
        assertThat(lost.leaseExpired()).isTrue();
        assertThat(lost.outcome())
                .isInstanceOfSatisfying(
                        TaskOutcome.Failed.class,
                        f -> assertThat(f.failure().retryable()).isTrue());
        assertThatThrownBy(() -> store.complete(expiring, TaskOutcome.success()))
                .isInstanceOf(StaleLeaseException.class);
        assertThatThrownBy(() -> store.heartbeat(expiring, TTL)).isInstanceOf(StaleLeaseException.class);
        store.complete(fresh, TaskOutcome.success());
        assertThat(store.takeCompletions(RUN, 10, Duration.ZERO)).hasSize(1);
    }

    @Test
    void aCompletedLeaseIsNeverReaped() {
        createRun(RUN, 1);
        ready(RUN, t(0), CPU);
        Lease lease = claimNow(List.of(CPU));
        store.complete(lease, TaskOutcome.success());
        clock.advance(TTL.multipliedBy(2));

        assertThat(store.reapExpiredLeases(clock.instant())).isEmpty();
        assertThat(store.takeCompletions(RUN, 10, Duration.ZERO)).hasSize(1);
    }

    @Test
    void oldAndNewLeasesRacingToCompleteCommitExactlyTheNewOne() throws Exception {
        int rounds = 50;
        createRun(RUN, rounds);
        for (int round = 0; round < rounds; round++) {
            TaskId task = t(round);
            ready(RUN, task, CPU);
            Lease old = claimNow(List.of(CPU));
            loseLease(old);
            ready(RUN, task, CPU);
            Lease current =
                    store.claim(OTHER_WORKER, List.of(CPU), TTL, Duration.ZERO).orElseThrow();

            List<Boolean> committed = race(
                    () -> tryComplete(old, new TaskOutcome.Succeeded(0, Map.of("BY", "old"))),
                    () -> tryComplete(current, new TaskOutcome.Succeeded(0, Map.of("BY", "new"))));

            assertThat(committed).as("round %d", round).containsExactly(false, true);
            List<Completion> inbox = store.takeCompletions(RUN, 10, Duration.ZERO);
            assertThat(inbox).extracting(c -> c.item().attempt()).containsExactly(2);
            assertThat(inbox.get(0).outcome()).isEqualTo(new TaskOutcome.Succeeded(0, Map.of("BY", "new")));
            assertThat(queries.leaseCount()).isZero();
        }
    }

    @Test
    void twoWorkersCompletingTheSameLeaseCommitOnce() throws Exception {
        int rounds = 50;
        createRun(RUN, rounds);
        for (int round = 0; round < rounds; round++) {
            ready(RUN, t(round), CPU);
            Lease lease = claimNow(List.of(CPU));

            List<Boolean> committed = race(
                    () -> tryComplete(lease, TaskOutcome.success()), () -> tryComplete(lease, TaskOutcome.success()));

            assertThat(committed).as("round %d", round).containsOnlyOnce(true);
            assertThat(store.takeCompletions(RUN, 10, Duration.ZERO)).hasSize(1);
        }
    }

    @Test
    void completeAndReapRacingReleaseTheLeaseOnce() throws Exception {
        int rounds = 50;
        createRun(RUN, rounds);
        for (int round = 0; round < rounds; round++) {
            ready(RUN, t(round), CPU);
            Lease lease = claimNow(List.of(CPU));
            // Reap at an instant past the expiry while the clock still reads "current": both may go first.
            Instant reapAt = lease.expiresAt().plusMillis(1);

            List<Boolean> released = race(
                    () -> tryComplete(lease, TaskOutcome.success()),
                    () -> !store.reapExpiredLeases(reapAt).isEmpty());

            assertThat(released).as("round %d", round).containsOnlyOnce(true);
            List<Completion> inbox = store.takeCompletions(RUN, 10, Duration.ZERO);
            assertThat(inbox).hasSize(1);
            assertThat(inbox.get(0).leaseExpired()).isEqualTo(released.get(1));
        }
    }

    // ------------------------------------------------------------------ batched driver writes (ADR 0014)

    @Test
    void moveTasksMakesAFrontierReadyQueuesItAndAppendsItsEventsInOneStep() {
        createRun(RUN, 3);
        Event e0 = event(RUN, EventKind.TASK_READY);

        List<Event> stored = store.moveTasks(
                RUN,
                List.of(
                        TaskMove.ready(TaskState.PENDING, item(RUN, t(0), 1, CPU)),
                        TaskMove.ready(TaskState.PENDING, item(RUN, t(2), 1, GPU))),
                List.of(e0, e0));

        assertThat(stored).extracting(Event::seq).containsExactly(1L, 2L);
        assertThat(queries.events(RUN, 0, 10)).hasSize(2);
        assertThat(store.task(RUN, t(0)))
                .isEqualTo(
                        TaskRecord.pending(RUN, t(0)).withState(TaskState.READY).withVersion(1));
        assertThat(store.task(RUN, t(1)).state()).isEqualTo(TaskState.PENDING);
        assertThat(queries.queueDepth(CPU)).isEqualTo(1);
        assertThat(queries.queueDepth(GPU)).isEqualTo(1);
        Lease lease = claimNow(List.of(GPU));
        assertThat(lease.item().task()).isEqualTo(t(2));
        assertThat(store.task(RUN, t(2)).state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void moveTasksEndsAttemptsWritingTheirOutcomeAndKeepsTheStart() {
        createRun(RUN, 2);
        ready(RUN, t(0), CPU);
        ready(RUN, t(1), CPU);
        Lease a = claimNow(List.of(CPU));
        Lease b = claimNow(List.of(CPU));
        TaskRecord started = store.task(RUN, t(1));
        Instant at = clock.instant().plusSeconds(1);
        Failure why = new Failure("exit", "exit code 3", true);

        store.moveTasks(
                RUN,
                List.of(
                        TaskMove.end(t(0), TaskState.RUNNING, 1, TaskState.SUCCEEDED, 0, at, null, Map.of("k", "v")),
                        TaskMove.end(t(1), TaskState.RUNNING, 1, TaskState.RETRY_WAIT, 3, at, why, Map.of()),
                        TaskMove.ready(TaskState.RETRY_WAIT, item(RUN, t(1), 2, CPU))),
                List.of());

        assertThat(store.task(RUN, t(0)))
                .isEqualTo(new TaskRecord(
                        RUN, t(0), TaskState.SUCCEEDED, 3, 1, 0, started.startedAt(), at, null, Map.of("k", "v")));
        TaskRecord retried = store.task(RUN, t(1));
        assertThat(retried.state()).isEqualTo(TaskState.READY);
        assertThat(retried.version()).isEqualTo(started.version() + 2);
        assertThat(retried.exitCode()).isEqualTo(3);
        assertThat(retried.failure()).isEqualTo(why);
        assertThat(retried.startedAt()).isEqualTo(started.startedAt());
        assertThat(claimNow(List.of(CPU)).item().attempt()).isEqualTo(2);
        assertThat(a.item().task()).isEqualTo(t(0));
        assertThat(b.item().task()).isEqualTo(t(1));
    }

    @Test
    void moveTasksRefusesTheWholeBatchWhenATaskIsNotWhereItsMoveExpects() {
        createRun(RUN, 3);
        ready(RUN, t(1), CPU);
        claimNow(List.of(CPU)); // t1 is running at attempt 1
        List<TaskRecord> before = queries.tasks(RUN);

        assertThatThrownBy(() -> store.moveTasks(
                        RUN,
                        List.of(
                                TaskMove.ready(TaskState.PENDING, item(RUN, t(0), 1, CPU)),
                                TaskMove.ready(TaskState.PENDING, item(RUN, t(1), 1, CPU))),
                        List.of(event(RUN, EventKind.TASK_READY))))
                .isInstanceOf(VersionConflictException.class)
                .hasMessageContaining(t(1).value());
        assertThatThrownBy(() -> store.moveTasks(
                        RUN,
                        List.of(
                                TaskMove.ready(TaskState.PENDING, item(RUN, t(0), 1, CPU)),
                                TaskMove.end(
                                        t(1),
                                        TaskState.RUNNING,
                                        2,
                                        TaskState.SUCCEEDED,
                                        0,
                                        clock.instant(),
                                        null,
                                        Map.of())),
                        List.of()))
                .as("the right state at the wrong attempt")
                .isInstanceOf(VersionConflictException.class);

        assertThat(queries.tasks(RUN)).isEqualTo(before);
        assertThat(queries.queueDepth(CPU)).isZero();
        assertThat(queries.events(RUN, 0, 10)).extracting(Event::kind).containsExactly(EventKind.TASK_STARTED);
    }

    @Test
    void moveTasksRefusesTheWholeBatchForAnIllegalTransitionOrAnUnknownTask() {
        createRun(RUN, 2);
        List<TaskRecord> before = queries.tasks(RUN);
        TaskMove fine = TaskMove.ready(TaskState.PENDING, item(RUN, t(0), 1, CPU));
        TaskMove illegal =
                TaskMove.end(t(1), TaskState.PENDING, 0, TaskState.SUCCEEDED, 0, clock.instant(), null, Map.of());
        TaskMove unknown = TaskMove.ready(TaskState.PENDING, item(RUN, t(7), 1, CPU));

        assertThatThrownBy(
                        () -> store.moveTasks(RUN, List.of(fine, illegal), List.of(event(RUN, EventKind.TASK_READY))))
                .isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> store.moveTasks(RUN, List.of(fine, unknown), List.of()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining(t(7).value());
        assertThatThrownBy(() -> store.moveTasks(OTHER_RUN, List.of(), List.of(event(OTHER_RUN, EventKind.TASK_READY))))
                .isInstanceOf(NotFoundException.class);

        assertThat(queries.tasks(RUN)).isEqualTo(before);
        assertThat(queries.queueDepth(CPU)).isZero();
        assertThat(queries.events(RUN, 0, 10)).isEmpty();
    }

    @Test
    void moveTasksChecksALaterMoveOfATaskAgainstWhereTheEarlierOneLeftIt() {
        createRun(RUN, 1);

        assertThatThrownBy(() -> store.moveTasks(
                        RUN,
                        List.of(
                                TaskMove.ready(TaskState.PENDING, item(RUN, t(0), 1, CPU)),
                                TaskMove.ready(TaskState.PENDING, item(RUN, t(0), 1, CPU))),
                        List.of()))
                .isInstanceOf(VersionConflictException.class);
        assertThat(store.task(RUN, t(0))).isEqualTo(TaskRecord.pending(RUN, t(0)));
        assertThat(queries.queueDepth(CPU)).isZero();
    }

    @Test
    void aMoveQueuesOnlyItsTasksNextAttempt() {
        assertThatThrownBy(() -> new TaskMove(
                        t(0),
                        TaskState.PENDING,
                        0,
                        TaskState.READY,
                        null,
                        null,
                        null,
                        Map.of(),
                        item(RUN, t(0), 2, CPU)))
                .isInstanceOf(GyreException.class);
        assertThatThrownBy(() -> new TaskMove(
                        t(0),
                        TaskState.PENDING,
                        0,
                        TaskState.SKIPPED,
                        null,
                        null,
                        null,
                        Map.of(),
                        item(RUN, t(0), 1, CPU)))
                .isInstanceOf(GyreException.class);
    }

    @Test
    void claimAllTakesUpToMaxInQueueOrderEachUnderItsOwnLease() {
        createRun(RUN, 5);
        for (int i = 0; i < 5; i++) {
            ready(RUN, t(i), i < 2 ? GPU : CPU);
        }

        List<Lease> first = store.claimAll(WORKER, List.of(CPU, GPU), TTL, Duration.ZERO, 4);
        List<Lease> rest = store.claimAll(WORKER, List.of(CPU, GPU), TTL, Duration.ZERO, 4);

        assertThat(first).extracting(l -> l.item().task()).containsExactly(t(2), t(3), t(4), t(0));
        assertThat(rest).extracting(l -> l.item().task()).containsExactly(t(1));
        assertThat(first).extracting(Lease::token).doesNotHaveDuplicates();
        assertThat(queries.tasks(RUN)).extracting(TaskRecord::state).containsOnly(TaskState.RUNNING);
        assertThat(queries.leaseCount()).isEqualTo(5);
        assertThat(queries.events(RUN, 0, 10)).extracting(Event::kind).containsOnly(EventKind.TASK_STARTED);
        assertThat(store.claimAll(WORKER, List.of(CPU, GPU), TTL, SHORT, 4)).isEmpty();
    }

    @Test
    void claimAllTakesUpToMaxPastStaleItemsAndLeavesTheRestQueued() {
        createRun(RUN, 6);
        for (int i = 0; i < 6; i++) {
            ready(RUN, t(i), CPU);
        }
        for (int i : new int[] {0, 1, 3}) {
            store.updateTask(store.task(RUN, t(i)).withState(TaskState.CANCELLED));
        }

        List<Lease> first = store.claimAll(WORKER, List.of(CPU), TTL, Duration.ZERO, 2);

        assertThat(first).extracting(l -> l.item().task()).containsExactly(t(2), t(4));
        assertThat(queries.queueDepth(CPU)).isEqualTo(1);
        assertThat(store.claimAll(WORKER, List.of(CPU), TTL, Duration.ZERO, 2))
                .extracting(l -> l.item().task())
                .containsExactly(t(5));
        assertThat(queries.queueDepth(CPU)).isZero();
    }

    @Test
    void claimAllKeepsQueueOrderAcrossRunsAndCountsEachRunsEvents() {
        createRun(RUN, 2);
        createRun(OTHER_RUN, 1);
        ready(RUN, t(0), CPU);
        ready(OTHER_RUN, t(0), CPU);
        ready(RUN, t(1), CPU);
        store.append(event(RUN, EventKind.RUN_STARTED));

        List<Lease> leases = store.claimAll(WORKER, List.of(CPU), TTL, Duration.ZERO, 3);

        assertThat(leases)
                .extracting(l -> l.item().run() + "/" + l.item().task())
                .containsExactly(RUN + "/" + t(0), OTHER_RUN + "/" + t(0), RUN + "/" + t(1));
        assertThat(queries.events(RUN, 0, 10))
                .extracting(Event::seq, Event::kind)
                .containsExactly(
                        tuple(1L, EventKind.RUN_STARTED),
                        tuple(2L, EventKind.TASK_STARTED),
                        tuple(3L, EventKind.TASK_STARTED));
        assertThat(queries.events(OTHER_RUN, 0, 10))
                .extracting(Event::seq, Event::task)
                .containsExactly(tuple(1L, t(0)));
        assertThat(store.task(OTHER_RUN, t(0)).state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void waitingClaimAllWakesOnEnqueue() throws Exception {
        createRun(RUN, 1);
        Started<List<Lease>> claimer = start(() -> store.claimAll(WORKER, List.of(CPU), TTL, LONG, 8));
        awaitParked(claimer.thread());

        ready(RUN, t(0), CPU);

        assertThat(claimer.get()).extracting(l -> l.item().task()).containsExactly(t(0));
    }

    @Test
    void completeAllCommitsEachCurrentLeaseAndRefusesOnlyTheStaleOnes() {
        createRun(RUN, 3);
        for (int i = 0; i < 3; i++) {
            ready(RUN, t(i), CPU);
        }
        List<Lease> leases = store.claimAll(WORKER, List.of(CPU), TTL, Duration.ZERO, 3);
        store.complete(leases.get(1), TaskOutcome.success()); // its second completion is stale
        store.takeCompletions(RUN, 10, Duration.ZERO);
        Lease forged =
                new Lease(leases.get(2).item(), WORKER, "forged", leases.get(2).expiresAt());

        List<Lease> refused = store.completeAll(List.of(
                new LeaseOutcome(leases.get(0), TaskOutcome.success()),
                new LeaseOutcome(leases.get(1), TaskOutcome.success()),
                new LeaseOutcome(forged, TaskOutcome.success()),
                new LeaseOutcome(leases.get(2), new TaskOutcome.Failed(2, new Failure("exit", "2", false)))));

        assertThat(refused).containsExactly(leases.get(1), forged);
        assertThat(queries.leaseCount()).isZero();
        List<Completion> inbox = store.takeCompletions(RUN, 10, Duration.ZERO);
        assertThat(inbox).extracting(c -> c.item().task()).containsExactly(t(0), t(2));
        assertThat(inbox.get(1).outcome()).isInstanceOf(TaskOutcome.Failed.class);
    }

    @Test
    void completeAllRefusesAnExpiredLease() {
        createRun(RUN, 1);
        ready(RUN, t(0), CPU);
        Lease lease = claimNow(List.of(CPU));
        clock.advance(TTL.plusSeconds(1));

        assertThat(store.completeAll(List.of(new LeaseOutcome(lease, TaskOutcome.success()))))
                .containsExactly(lease);
        assertThat(store.takeCompletions(RUN, 10, Duration.ZERO)).isEmpty();
    }

    // ------------------------------------------------------------------ completions inbox

    @Test
    void takeCompletionsIsFifoAndHonoursMax() {
        createRun(RUN, 5);
        for (int i = 0; i < 5; i++) {
            ready(RUN, t(i), CPU);
        }
        for (int i = 0; i < 5; i++) {
            store.complete(claimNow(List.of(CPU)), TaskOutcome.success());
        }

        assertThat(store.takeCompletions(RUN, 2, Duration.ZERO))
                .extracting(c -> c.item().task())
                .containsExactly(t(0), t(1));
        assertThat(store.takeCompletions(RUN, 10, Duration.ZERO))
                .extracting(c -> c.item().task())
                .containsExactly(t(2), t(3), t(4));
        assertThat(store.takeCompletions(RUN, 10, SHORT)).isEmpty();
    }

    @Test
    void takeCompletionsWaitsForTheFirstCompletion() throws Exception {
        createRun(RUN, 1);
        ready(RUN, t(0), CPU);
        Lease lease = claimNow(List.of(CPU));

        Started<List<Completion>> taker = start(() -> store.takeCompletions(RUN, 10, LONG));
        awaitParked(taker.thread());
        store.complete(lease, TaskOutcome.success());

        assertThat(taker.get()).extracting(c -> c.item().task()).containsExactly(t(0));
    }

    @Test
    void runsAreIsolated() {
        createRun(RUN, 2);
        createRun(OTHER_RUN, 2);
        ready(RUN, t(0), CPU);
        ready(OTHER_RUN, t(0), CPU);
        store.complete(claimNow(List.of(CPU)), TaskOutcome.success());
        Lease other = claimNow(List.of(CPU));

        assertThat(store.takeCompletions(OTHER_RUN, 10, Duration.ZERO)).isEmpty();
        assertThat(store.takeCompletions(RUN, 10, Duration.ZERO))
                .extracting(c -> c.item().run())
                .containsExactly(RUN);
        store.complete(other, TaskOutcome.success());
        assertThat(store.takeCompletions(OTHER_RUN, 10, Duration.ZERO))
                .extracting(c -> c.item().run())
                .containsExactly(OTHER_RUN);
        assertThat(store.task(RUN, t(0)).state()).isEqualTo(TaskState.RUNNING);
        assertThat(store.task(RUN, t(1)).state()).isEqualTo(TaskState.PENDING);
        assertThat(queries.tasks(OTHER_RUN)).allSatisfy(t -> assertThat(t.run()).isEqualTo(OTHER_RUN));
        assertThat(queries.events(RUN, 0, 10)).extracting(Event::seq).containsExactly(1L);
        assertThat(queries.events(OTHER_RUN, 0, 10)).extracting(Event::seq).containsExactly(1L);
    }

    // ------------------------------------------------------------------ events

    @Test
    void sequenceNumbersAreGaplessAndPerRun() {
        createRun(RUN, 0);
        createRun(OTHER_RUN, 0);

        Event first = store.append(event(RUN, EventKind.RUN_STARTED));
        List<Event> batch = store.appendAll(List.of(
                event(RUN, EventKind.TASK_READY),
                event(OTHER_RUN, EventKind.RUN_STARTED),
                event(RUN, EventKind.TASK_READY)));
        Event last = store.append(event(OTHER_RUN, EventKind.RUN_CANCELLED));

        assertThat(first.seq()).isEqualTo(1);
        assertThat(batch).extracting(Event::seq).containsExactly(2L, 1L, 3L);
        assertThat(last.seq()).isEqualTo(2);
        assertThat(queries.events(RUN, 0, 100)).extracting(Event::seq).containsExactly(1L, 2L, 3L);
        assertThat(queries.events(OTHER_RUN, 0, 100))
                .extracting(Event::kind)
                .containsExactly(EventKind.RUN_STARTED, EventKind.RUN_CANCELLED);
        assertThat(queries.events(RUN, 0, 100).get(0)).isEqualTo(first);
    }

    @Test
    void eventsPageByAfterSeqAndLimit() {
        createRun(RUN, 0);
        for (int i = 0; i < 10; i++) {
            store.append(event(RUN, EventKind.TASK_READY));
        }

        assertThat(queries.events(RUN, 3, 4)).extracting(Event::seq).containsExactly(4L, 5L, 6L, 7L);
        assertThat(queries.events(RUN, 8, 100)).extracting(Event::seq).containsExactly(9L, 10L);
        assertThat(queries.events(RUN, 10, 100)).isEmpty();
        assertThat(queries.events(RUN, 50, 100)).isEmpty();
        assertThat(queries.events(RUN, 0, 0)).isEmpty();
    }

    @Test
    void appendAllIsAllOrNothingWhenARunIsUnknown() {
        createRun(RUN, 0);

        assertThatThrownBy(() -> store.appendAll(
                        List.of(event(RUN, EventKind.TASK_READY), event(OTHER_RUN, EventKind.TASK_READY))))
                .isInstanceOf(NotFoundException.class);
        assertThat(queries.events(RUN, 0, 10)).isEmpty();
    }

    @Test
    void concurrentAppendsStayGaplessAndSubscribersSeeThemInOrder() throws Exception {
        createRun(RUN, 0);
        createRun(OTHER_RUN, 0);
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        List<Long> seenOther = Collections.synchronizedList(new ArrayList<>());
        AutoCloseable subscription = queries.subscribe(RUN, e -> seen.add(e.seq()));
        AutoCloseable otherSubscription = queries.subscribe(OTHER_RUN, e -> seenOther.add(e.seq()));
        int threads = 4;
        int perThread = 500;

        List<Started<Boolean>> appenders = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < threads; i++) {
            appenders.add(start(() -> {
                go.await();
                for (int j = 0; j < perThread; j++) {
                    if (j % 10 == 0) {
                        store.appendAll(
                                List.of(event(RUN, EventKind.TASK_READY), event(OTHER_RUN, EventKind.TASK_READY)));
                    } else {
                        store.append(event(RUN, EventKind.TASK_READY));
                    }
                }
                return true;
            }));
        }
        go.countDown();
        for (Started<Boolean> a : appenders) {
            a.get();
        }

        int total = threads * perThread;
        assertThat(queries.events(RUN, 0, total + 1)).extracting(Event::seq).containsExactlyElementsOf(range(total));
        assertThat(seen).containsExactlyElementsOf(range(total));
        assertThat(seenOther).containsExactlyElementsOf(range(threads * perThread / 10));

        subscription.close();
        store.append(event(RUN, EventKind.TASK_READY));
        assertThat(seen).hasSize(total);
        otherSubscription.close();
    }

    @Test
    void subscribersSeeOnlyEventsAppendedAfterSubscribingIncludingClaims() throws Exception {
        createRun(RUN, 1);
        store.append(event(RUN, EventKind.RUN_STARTED));
        List<Event> seen = Collections.synchronizedList(new ArrayList<>());

        try (AutoCloseable ignored = queries.subscribe(RUN, seen::add)) {
            ready(RUN, t(0), CPU);
            claimNow(List.of(CPU));
        }

        assertThat(seen).extracting(Event::kind).containsExactly(EventKind.TASK_STARTED);
        assertThat(seen.get(0).seq()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ everything at once

    @Test
    void randomizedWorkersCommitEveryTaskExactlyOnce() throws Exception {
        long seed = Long.getLong("gyre.seed", System.nanoTime());
        System.out.println(
                "randomizedWorkersCommitEveryTaskExactlyOnce seed=" + seed + " (rerun with -Dgyre.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        List<RunId> runIds = List.of(RUN, OTHER_RUN);
        List<QueueName> queueNames = List.of(CPU, GPU);
        int tasksPerRun = 300 + random.nextInt(300);
        int workers = 2 + random.nextInt(4);
        for (RunId run : runIds) {
            createRun(run, tasksPerRun);
            for (int i = 0; i < tasksPerRun; i++) {
                ready(run, t(i), queueNames.get(random.nextInt(queueNames.size())));
            }
        }

        AtomicBoolean done = new AtomicBoolean();
        AtomicLong claims = new AtomicLong();
        AtomicLong committedByWorkers = new AtomicLong();
        Map<String, AtomicInteger> okCompletesPerTask = new ConcurrentHashMap<>();
        AtomicReference<@Nullable Throwable> workerFailure = new AtomicReference<>();
        List<Started<Boolean>> workerThreads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            WorkerId id = WorkerId.of("worker-" + w);
            SplittableRandom own = random.split();
            workerThreads.add(start(() -> {
                try {
                    while (!done.get()) {
                        List<QueueName> order = own.nextBoolean() ? queueNames : List.of(GPU, CPU);
                        Optional<Lease> got = store.claim(id, order, TTL, Duration.ofMillis(5));
                        if (got.isEmpty()) {
                            continue;
                        }
                        claims.incrementAndGet();
                        Lease lease = got.get();
                        if (own.nextInt(20) == 0) {
                            continue; // the worker "crashed": only the reaper can release this lease
                        }
                        if (own.nextInt(4) == 0) {
                            try {
                                lease = store.heartbeat(lease, TTL);
                            } catch (StaleLeaseException e) {
                                continue; // expired meanwhile; the reaper will release it
                            }
                        }
                        if (tryComplete(lease, TaskOutcome.success())) {
                            committedByWorkers.incrementAndGet();
                            okCompletesPerTask
                                    .computeIfAbsent(key(lease.item()), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    }
                } catch (RuntimeException | Error e) {
                    workerFailure.compareAndSet(null, e);
                }
                return true;
            }));
        }

        // The orchestrator's side: consume completions, re-queue lost attempts, and now and then lose leases.
        Map<String, Integer> succeeded = new HashMap<>();
        long reaped = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (succeeded.size() < runIds.size() * tasksPerRun) {
            assertThat(System.nanoTime()).as("seed %d: finished in time", seed).isLessThan(deadline);
            assertThat(workerFailure.get()).as("seed %d: worker failure", seed).isNull();
            if (random.nextInt(50) == 0) {
                reaped += store.reapExpiredLeases(clock.advance(TTL.plusSeconds(1)))
                        .size();
            }
            for (RunId run : runIds) {
                for (Completion c : store.takeCompletions(run, 64, Duration.ofMillis(1))) {
                    TaskRecord task = store.task(run, c.item().task());
                    assertThat(task.state()).as("seed %d", seed).isEqualTo(TaskState.RUNNING);
                    assertThat(task.attempts())
                            .as("seed %d", seed)
                            .isEqualTo(c.item().attempt());
                    if (c.leaseExpired()) {
                        store.updateTask(task.withState(TaskState.READY));
                        store.enqueue(item(
                                run, task.id(), task.attempts() + 1, c.item().queue()));
                    } else {
                        store.updateTask(task.ended(TaskState.SUCCEEDED, 0, clock.instant(), null, Map.of()));
                        assertThat(succeeded.merge(key(c.item()), 1, Integer::sum))
                                .as("seed %d: %s committed once", seed, key(c.item()))
                                .isEqualTo(1);
                    }
                }
            }
        }
        done.set(true);
        for (Started<Boolean> w : workerThreads) {
            w.get();
        }
        reaped += store.reapExpiredLeases(clock.advance(TTL.plusSeconds(1))).size();

        System.out.println("seed=" + seed + ": " + workers + " workers, " + claims.get() + " claims, " + reaped
                + " leases reaped");
        assertThat(workerFailure.get()).as("seed %d", seed).isNull();
        assertThat(committedByWorkers.get()).as("seed %d", seed).isEqualTo(runIds.size() * (long) tasksPerRun);
        assertThat(okCompletesPerTask.values())
                .as("seed %d", seed)
                .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(claims.get())
                .as("seed %d: every lease released once", seed)
                .isEqualTo(committedByWorkers.get() + reaped);
        assertThat(queries.leaseCount()).as("seed %d", seed).isZero();
        for (RunId run : runIds) {
            assertThat(queries.tasks(run))
                    .as("seed %d", seed)
                    .allSatisfy(t -> assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED));
            List<Event> events = queries.events(run, 0, Integer.MAX_VALUE);
            assertThat(events)
                    .extracting(Event::seq)
                    .as("seed %d", seed)
                    .containsExactlyElementsOf(range(events.size()));
        }
        for (QueueName q : queueNames) {
            assertThat(queries.queueDepth(q)).as("seed %d", seed).isZero();
        }
    }

    // ------------------------------------------------------------------ fixtures

    protected static TaskId t(int i) {
        return TaskId.of("t" + i);
    }

    protected RunRecord runRecord(RunId id) {
        return new RunRecord(id, "flow", RunState.PENDING, 0, Instant.parse("2026-01-01T00:00:00Z"), null, Map.of());
    }

    /** Creates a run with tasks {@code t0 .. t(n-1)}, all pending. */
    protected void createRun(RunId id, int tasks) {
        List<TaskRecord> records = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            records.add(TaskRecord.pending(id, t(i)));
        }
        store.createRun(runRecord(id), records);
    }

    protected static WorkItem item(RunId run, TaskId task, int attempt, QueueName queue) {
        return new WorkItem(run, task, attempt, new Action.Java("noop"), Map.of(), null, queue, Map.of());
    }

    /**
     * Moves a task to ready (from pending, or from running after a lost lease, as the orchestrator does) and
     * enqueues its next attempt.
     */
    protected WorkItem ready(RunId run, TaskId task, QueueName queue) {
        TaskRecord record = store.updateTask(store.task(run, task).withState(TaskState.READY));
        WorkItem item = item(run, task, record.attempts() + 1, queue);
        store.enqueue(item);
        return item;
    }

    /** Lets {@code lease} expire and reaps it, consuming the resulting completion. */
    protected void loseLease(Lease lease) {
        Instant now = clock.advance(
                Duration.between(clock.instant(), lease.expiresAt()).plusSeconds(1));
        assertThat(store.reapExpiredLeases(now)).contains(lease);
        assertThat(store.takeCompletions(lease.item().run(), 100, Duration.ZERO))
                .anySatisfy(c -> assertThat(c.leaseExpired()).isTrue());
    }

    protected Lease claimNow(List<QueueName> queueNames) {
        return store.claim(WORKER, queueNames, TTL, Duration.ZERO)
                .orElseThrow(() -> new AssertionError("expected work in " + queueNames));
    }

    private boolean tryComplete(Lease lease, TaskOutcome outcome) {
        try {
            store.complete(lease, outcome);
            return true;
        } catch (StaleLeaseException e) {
            return false;
        }
    }

    private static Event event(RunId run, EventKind kind) {
        return Event.of(run, Instant.parse("2026-01-01T00:00:00Z"), kind, null, Map.of());
    }

    private static String key(WorkItem item) {
        return item.run().value() + "/" + item.task().value();
    }

    private static List<Long> range(long n) {
        List<Long> out = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            out.add(i);
        }
        return out;
    }

    /** Runs both actions at once (as near as a barrier gets) and returns their results in order. */
    private static List<Boolean> race(Callable<Boolean> first, Callable<Boolean> second) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        Started<Boolean> a = start(() -> {
            barrier.await(10, TimeUnit.SECONDS);
            return first.call();
        });
        Started<Boolean> b = start(() -> {
            barrier.await(10, TimeUnit.SECONDS);
            return second.call();
        });
        return List.of(a.get(), b.get());
    }

    /** A task running on its own thread, so a test can see whether the thread is parked. */
    protected static final class Started<T> {
        private final Thread thread;
        private final FutureTask<T> future;

        private Started(Callable<T> body) {
            this.future = new FutureTask<>(body);
            this.thread = new Thread(future, "contract-test-thread");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        public Thread thread() {
            return thread;
        }

        /** The result, waiting at most 30 seconds for it. */
        public T get() throws Exception {
            return future.get(30, TimeUnit.SECONDS);
        }
    }

    protected static <T> Started<T> start(Callable<T> body) {
        return new Started<>(body);
    }

    /**
     * Waits (bounded) until {@code thread} parks, so a test exercises the wake-up rather than a lucky order.
     * An implementation that blocks in I/O instead of parking just makes this return after the bound.
     */
    protected static void awaitParked(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                return;
            }
            if (state == Thread.State.TERMINATED) {
                throw new AssertionError(thread.getName() + " ended instead of waiting");
            }
            Thread.onSpinWait();
        }
    }
}
