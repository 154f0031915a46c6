package io.gyre.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.Action;
import io.gyre.api.Completion;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.GyreException;
import io.gyre.api.Lease;
import io.gyre.api.NotFoundException;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.TaskId;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import io.gyre.api.WorkItem;
import io.gyre.api.WorkerId;
import io.gyre.testkit.ManualClock;
import io.gyre.testkit.RedisServerFixture;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the Redis store has: value limits, key prefixes, URLs, and surviving a server restart. */
class RedisSpecificIT {
    private static final RunId RUN = RunId.of("run-a");
    private static final QueueName CPU = QueueName.of("cpu");
    private static final WorkerId WORKER = WorkerId.of("worker-1");
    private static final Duration TTL = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    @Test
    void aWorkItemOverTheValueLimitIsRefusedSayingWhatAndWhere() {
        try (RedisServerFixture server = RedisServerFixture.ephemeral(dir);
                RedisStore store = RedisStores.connect(server.uri(), clock)) {
            createRun(store, RUN, 1);
            store.updateTask(store.task(RUN, TaskId.of("t0")).withState(TaskState.READY));
            WorkItem huge = item(RUN, "t0", Map.of("BIG", "x".repeat(70_000)));

            assertThatThrownBy(() -> store.enqueue(huge))
                    .isInstanceOf(GyreException.class)
                    .hasMessageContaining("work item run-a/t0 attempt 1")
                    .hasMessageContaining("65536")
                    .hasMessageContaining("object store");
            assertThat(store.queueDepth(CPU)).isZero();
            assertThatThrownBy(() -> store.append(Event.of(
                            RUN, clock.instant(), EventKind.TASK_OUTPUT, null, Map.of("v", "y".repeat(70_000)))))
                    .hasMessageContaining("task_output event of run run-a");
            assertThat(store.events(RUN, 0, 10)).isEmpty();
        }
    }

    @Test
    void theReaperScansExpiriesAloneAndEveryLeaseKeepsOneBesideIt() {
        try (RedisServerFixture server = RedisServerFixture.ephemeral(dir);
                RedisStore store = RedisStores.connect(server.uri(), clock);
                redis.clients.jedis.Jedis raw = new redis.clients.jedis.Jedis("127.0.0.1", server.port())) {
            createRun(store, RUN, 3);
            for (int i = 0; i < 3; i++) {
                store.updateTask(store.task(RUN, TaskId.of("t" + i)).withState(TaskState.READY));
                store.enqueue(item(RUN, "t" + i, Map.of("BIG", "x".repeat(20_000)))); // weighty items
            }
            List<Lease> leases = store.claimAll(WORKER, List.of(CPU), TTL, Duration.ZERO, 3);
            assertThat(leases).hasSize(3);
            assertThat(raw.hlen("gyre:lease-exp")).isEqualTo(3);
            assertThat(raw.hvals("gyre:lease-exp"))
                    .as("an expiry is seconds|nanos, not the item")
                    .allMatch(v -> v.matches("-?[0-9]+\\|[0-9]+"));

            store.complete(leases.get(0), io.gyre.api.TaskOutcome.success());
            clock.advance(Duration.ofSeconds(10));
            store.heartbeat(leases.get(1), TTL); // renewed: outlives the others
            assertThat(raw.hlen("gyre:lease-exp")).isEqualTo(2);

            clock.advance(Duration.ofSeconds(25));
            assertThat(store.reapExpiredLeases(clock.instant()))
                    .extracting(l -> l.item().task())
                    .containsExactly(TaskId.of("t2"));
            assertThat(raw.hkeys("gyre:lease-exp"))
                    .containsExactly(leases.get(1).token());
            assertThat(raw.hkeys("gyre:lease")).containsExactly(leases.get(1).token());
        }
    }

    @Test
    void storesWithDifferentPrefixesOnOneServerDoNotSeeEachOther() {
        try (RedisServerFixture server = RedisServerFixture.ephemeral(dir);
                RedisStore a = RedisStores.connect(server.uri(), "alpha:", clock);
                RedisStore b = RedisStores.connect(server.uri(), "beta:", clock)) {
            createRun(a, RUN, 1);
            a.updateTask(a.task(RUN, TaskId.of("t0")).withState(TaskState.READY));
            a.enqueue(item(RUN, "t0", Map.of()));
            a.append(Event.of(RUN, clock.instant(), EventKind.RUN_STARTED, null, Map.of()));

            assertThatThrownBy(() -> b.run(RUN)).isInstanceOf(NotFoundException.class);
            assertThat(b.queueDepth(CPU)).isZero();
            assertThat(b.claim(WORKER, List.of(CPU), TTL, Duration.ofMillis(20)))
                    .isEmpty();
            createRun(b, RUN, 1); // the same run id is free under another prefix
            assertThat(b.events(RUN, 0, 10)).isEmpty();
            assertThat(a.claim(WORKER, List.of(CPU), TTL, Duration.ZERO)).isPresent();
            assertThat(b.leaseCount()).isZero();
            assertThat(a.leaseCount()).isEqualTo(1);
        }
    }

    @Test
    void aBadUrlIsRefusedWithTheFormatToUse() {
        assertThatThrownBy(() -> RedisStores.connect(URI.create("http://localhost:6379"), clock))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining("scheme must be redis or rediss")
                .hasMessageContaining("redis://[user:password@]host[:port][/db]");
        assertThatThrownBy(() -> RedisStores.connect(URI.create("redis://localhost:6379/zero"), clock))
                .hasMessageContaining("database number");
        assertThatThrownBy(() -> RedisStores.connect("redis://local host", "gyre:", clock))
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> RedisStores.connect(URI.create("redis://:secret@localhost:1/x"), clock))
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisStores.connect(URI.create("redis://localhost:1"), "bad prefix", clock))
                .hasMessageContaining("key prefix 'bad prefix'");
    }

    @Test
    void anUnreachableServerIsReportedWithWhereAndWhatToDo() throws Exception {
        int port;
        try (RedisServerFixture server = RedisServerFixture.ephemeral(dir)) {
            port = server.port();
        } // stopped: nothing listens on the port now
        assertThatThrownBy(() -> RedisStores.connect(URI.create("redis://127.0.0.1:" + port + "/0"), clock))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining("cannot talk to Redis at redis://127.0.0.1:" + port)
                .hasMessageContaining("check that redis-server is running");
    }

    @Test
    void runsTasksQueuesLeasesAndEventsSurviveARestartWithAppendOnlyFsyncAlways() {
        Path data = dir.resolve("aof");
        try (RedisServerFixture server = RedisServerFixture.durable(data)) {
            Lease lease;
            try (RedisStore store = RedisStores.connect(server.uri(), clock)) {
                createRun(store, RUN, 3);
                for (String t : List.of("t0", "t1")) {
                    store.updateTask(store.task(RUN, TaskId.of(t)).withState(TaskState.READY));
                    store.enqueue(item(RUN, t, Map.of("K", "v")));
                }
                lease = store.claim(WORKER, List.of(CPU), TTL, Duration.ZERO).orElseThrow();
                store.append(Event.of(RUN, clock.instant(), EventKind.RUN_STARTED, null, Map.of()));
            }

            server.crashAndRestart(); // SIGKILL: only what was fsynced survives

            try (RedisStore store = RedisStores.connect(server.uri(), clock)) {
                assertThat(store.run(RUN).state()).isEqualTo(RunState.PENDING);
                assertThat(store.tasks(RUN))
                        .extracting(TaskRecord::state)
                        .containsExactly(TaskState.RUNNING, TaskState.READY, TaskState.PENDING);
                assertThat(store.queueDepth(CPU)).isEqualTo(1);
                assertThat(store.leaseCount()).isEqualTo(1);
                assertThat(store.events(RUN, 0, 10))
                        .extracting(Event::kind)
                        .containsExactly(EventKind.TASK_STARTED, EventKind.RUN_STARTED);
                store.complete(lease, TaskOutcome.success()); // the lease is still current after the restart
                assertThat(store.takeCompletions(RUN, 10, Duration.ZERO))
                        .extracting(c -> c.item().task())
                        .containsExactly(TaskId.of("t0"));
                assertThat(store.claim(WORKER, List.of(CPU), TTL, Duration.ZERO))
                        .map(l -> l.item().task())
                        .contains(TaskId.of("t1"));
            }
        }
    }

    @Test
    void aStoreInAnotherKeyLayoutIsRefusedSayingWhatToDo() {
        try (RedisServerFixture server = RedisServerFixture.ephemeral(dir);
                redis.clients.jedis.Jedis raw = new redis.clients.jedis.Jedis("127.0.0.1", server.port())) {
            // What Gyre's layout 1 left: a run hash, its task hashes and id list, no layout mark.
            raw.hset("old:run:run-a", Map.of("s", "SUCCEEDED", "v", "3"));
            raw.hset("old:task:run-a:t0", Map.of("s", "SUCCEEDED", "v", "2"));
            raw.rpush("old:tasks:run-a", "t0");
            raw.zadd("busy:leases", 1.0, "token-1"); // a layout-1 store with a lease in flight (its index)
            raw.set("newer:layout", "3");

            for (String prefix : List.of("old:", "busy:")) {
                assertThatThrownBy(() -> RedisStores.connect(server.uri(), prefix, clock))
                        .isInstanceOf(GyreException.class)
                        .hasMessageContaining("prefix " + prefix)
                        .hasMessageContaining("key layout 1 (an older Gyre)")
                        .hasMessageContaining("this Gyre uses layout 2")
                        .hasMessageContaining("new --data-dir or another prefix");
            }
            assertThatThrownBy(() -> RedisStores.connect(server.uri(), "newer:", clock))
                    .hasMessageContaining("key layout 3 (a newer Gyre)");
            assertThat(raw.exists("old:layout"))
                    .as("a refused store is left as it was")
                    .isFalse();

            try (RedisStore fresh = RedisStores.connect(server.uri(), "fresh:", clock)) {
                createRun(fresh, RUN, 1);
            }
            assertThat(raw.get("fresh:layout")).isEqualTo("2");
            try (RedisStore again = RedisStores.connect(server.uri(), "fresh:", clock)) {
                assertThat(again.tasks(RUN)).hasSize(1);
                // The prefix is wiped and marked by a newer Gyre while this store stays connected: its next run
                // is refused rather than written in its own layout beside the other's data.
                raw.set("fresh:layout", "3");
                assertThatThrownBy(() -> createRun(again, RunId.of("later"), 1))
                        .isInstanceOf(GyreException.class)
                        .hasMessageContaining("key layout 3 (a newer Gyre)");
                assertThat(raw.get("fresh:layout")).isEqualTo("3");
            }
        }
    }

    @Test
    void aWipedStoreIsMarkedAgainByTheNextHeartbeatSoNewProcessesConnect() {
        try (RedisServerFixture server = RedisServerFixture.ephemeral(dir);
                RedisStore riding = RedisStores.connect(server.uri(), clock);
                redis.clients.jedis.Jedis raw = new redis.clients.jedis.Jedis("127.0.0.1", server.port())) {
            io.gyre.api.OrchestratorId me = io.gyre.api.OrchestratorId.of("orch-1");
            riding.heartbeat(me, TTL);
            raw.flushDB(); // a Redis without persistence restarted under a running orchestrator
            riding.heartbeat(me, TTL); // its first write after the wipe: membership keys
            assertThat(raw.get("gyre:layout")).isEqualTo("2");
            try (RedisStore joining = RedisStores.connect(server.uri(), clock)) {
                createRun(joining, RUN, 1);
                assertThat(joining.tasks(RUN)).hasSize(1);
            }
        }
    }

    @Test
    void closingWakesWaitersWithNothingAndRefusesFurtherWrites() throws Exception {
        try (RedisServerFixture server = RedisServerFixture.ephemeral(dir)) {
            RedisStore store = RedisStores.connect(server.uri(), clock);
            createRun(store, RUN, 1);
            CompletableFuture<Optional<Lease>> claimer =
                    CompletableFuture.supplyAsync(() -> store.claim(WORKER, List.of(CPU), TTL, Duration.ofSeconds(30)));
            CompletableFuture<List<Completion>> taker =
                    CompletableFuture.supplyAsync(() -> store.takeCompletions(RUN, 1, Duration.ofSeconds(30)));
            awaitWaiting(server, 2);

            store.close();

            assertThat(claimer.get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(taker.get(10, TimeUnit.SECONDS)).isEmpty();
            assertThatThrownBy(
                            () -> store.append(Event.of(RUN, clock.instant(), EventKind.RUN_STARTED, null, Map.of())))
                    .hasMessageContaining("closed");
        }
    }

    @Test
    void eventsAppendedByAnotherProcessReachASubscriberInOrder() throws Exception {
        try (RedisServerFixture server = RedisServerFixture.ephemeral(dir);
                RedisStore reader = RedisStores.connect(server.uri(), clock);
                RedisStore writer = RedisStores.connect(server.uri(), clock)) {
            createRun(writer, RUN, 0);
            List<Long> seen = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> all = new CompletableFuture<>();
            try (AutoCloseable sub = reader.subscribe(RUN, e -> {
                seen.add(e.seq());
                if (e.seq() == 200) {
                    all.complete(null);
                }
            })) {
                for (int i = 0; i < 200; i++) {
                    writer.append(Event.of(RUN, clock.instant(), EventKind.TASK_READY, null, Map.of()));
                }
                all.get(10, TimeUnit.SECONDS);
            }
            List<Long> expected = new ArrayList<>();
            for (long i = 1; i <= 200; i++) {
                expected.add(i);
            }
            assertThat(seen).containsExactlyElementsOf(expected);
        }
    }

    /** Waits (bounded, by asking the server) until {@code n} clients are blocked. */
    private static void awaitWaiting(RedisServerFixture server, int n) {
        try (redis.clients.jedis.Jedis probe = new redis.clients.jedis.Jedis("127.0.0.1", server.port())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!probe.info("clients").contains("blocked_clients:" + n)) {
                assertThat(System.nanoTime())
                        .as("%d clients blocked in time", n)
                        .isLessThan(deadline);
                Thread.onSpinWait();
            }
        }
    }

    private void createRun(RedisStore store, RunId run, int tasks) {
        List<TaskRecord> records = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            records.add(TaskRecord.pending(run, TaskId.of("t" + i)));
        }
        store.createRun(
                new RunRecord(run, "flow", RunState.PENDING, 0, Instant.parse("2026-01-01T00:00:00Z"), null, Map.of()),
                records);
    }

    private static WorkItem item(RunId run, String task, Map<String, String> env) {
        return new WorkItem(run, TaskId.of(task), 1, new Action.Shell("echo hi"), env, null, CPU, Map.of());
    }
}
