package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Action;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.Flow;
import io.gyre.api.JavaTask;
import io.gyre.api.RunState;
import io.gyre.api.TaskId;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskSpec;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats keep a long attempt's lease alive: with a 300 ms lease, an attempt that runs for well over that is
 * renewed and never handed to another worker (the reaper runs every second and would take it otherwise).
 */
class HeartbeatTest {
    @Test
    void aRunningAttemptOutlivesItsLeaseLengthBecauseItIsRenewed() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Map<String, JavaTask> tasks = Map.of("long", (launch, cancel) -> {
            calls.incrementAndGet();
            try {
                // Bounded wait on a latch nobody counts down: the attempt runs ~2.5 s, eight lease lengths.
                assertThat(release.await(2500, TimeUnit.MILLISECONDS)).isFalse();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TaskOutcome.success();
        });
        Stores.InMemoryStore store = Stores.inMemory(InstantSource.system());
        try (Engine engine = Engine.builder()
                .store(store)
                .executor(Executors.inProcess(tasks))
                .parallel(2)
                .leaseTtl(Duration.ofMillis(300))
                .build()) {
            Plan plan =
                    Plan.of(Flow.of("hb", List.of(TaskSpec.of(TaskId.of("long"), new Action.Java("long"), List.of()))));
            RunHandle h = engine.start(RunSpec.of(plan, InstantSource.system().instant()));
            assertThat(h.await(Duration.ofSeconds(20)).state()).isEqualTo(RunState.SUCCEEDED);
            List<EventKind> kinds =
                    store.events(h.id(), 0, 100).stream().map(Event::kind).toList();
            assertThat(kinds).doesNotContain(EventKind.TASK_LEASE_EXPIRED);
            assertThat(calls).hasValue(1);
            assertThat(store.task(h.id(), TaskId.of("long")).attempts()).isEqualTo(1);
        }
    }
}
