package io.gyre.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.ClusterRegistry;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.api.WorkerId;
import io.gyre.api.WorkerInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ClusterRegistry} implementation guarantees; each gets an empty registry per test. */
public abstract class ClusterRegistryContract {
    protected final ManualClock clock = new ManualClock();
    private ClusterRegistry registry;

    protected abstract ClusterRegistry newRegistry(ManualClock clock);

    @BeforeEach
    void open() {
        registry = newRegistry(clock);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private WorkerInfo worker(String id, Duration ttl) {
        return new WorkerInfo(
                WorkerId.of(id),
                List.of(QueueName.of("default"), QueueName.of("gpu")),
                Map.of("gpu", "true"),
                4,
                Map.of(QueueName.of("gpu"), 2),
                clock.instant().plus(ttl));
    }

    @Test
    void announcedRunsAreListedOldestFirstOnceAndLeaveWhenRetired() {
        RunId a = RunId.of("run-a");
        RunId b = RunId.of("run-b");
        registry.announceRun(a);
        clock.advance(Duration.ofMillis(5));
        registry.announceRun(b);
        registry.announceRun(a);
        assertThat(registry.announcedRuns()).containsExactly(a, b);
        registry.retireRun(a);
        assertThat(registry.announcedRuns()).containsExactly(b);
    }

    @Test
    void theFirstCancelReasonIsKeptUntilTheRunIsRetired() {
        RunId a = RunId.of("run-a");
        registry.announceRun(a);
        registry.requestCancel(a, "first");
        registry.requestCancel(a, "second");
        assertThat(registry.cancelRequests()).containsExactly(Map.entry(a, "first"));
        registry.retireRun(a);
        assertThat(registry.cancelRequests()).isEmpty();
    }

    @Test
    void aWorkerIsLiveUntilItsBeatExpiresOrItLeaves() {
        registry.beat(worker("w1", Duration.ofSeconds(30)));
        registry.beat(worker("w2", Duration.ofSeconds(10)));
        List<WorkerInfo> live = registry.liveWorkers(clock.instant());
        assertThat(live).extracting(w -> w.id().value()).containsExactly("w1", "w2");
        assertThat(live.getFirst()).isEqualTo(worker("w1", Duration.ofSeconds(30)));
        assertThat(live.getFirst().serves(QueueName.of("gpu"), Map.of("gpu", "true")))
                .isTrue();
        assertThat(live.getFirst().serves(QueueName.of("cpu"), Map.of())).isFalse();

        clock.advance(Duration.ofSeconds(11));
        assertThat(registry.liveWorkers(clock.instant()))
                .extracting(w -> w.id().value())
                .containsExactly("w1");
        registry.leave(WorkerId.of("w1"));
        assertThat(registry.liveWorkers(clock.instant())).isEmpty();
    }
}
