package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.Action;
import io.gyre.api.GyreException;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.api.TaskId;
import io.gyre.api.TaskRecord;
import io.gyre.api.WorkItem;
import io.gyre.api.WorkerId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QueueRoutingTest {
    private static final QueueName DEFAULT = QueueName.of("default");
    private static final QueueName GPU = QueueName.of("gpu");

    @Test
    void aTaskWithoutLabelRequirementsStaysInItsQueue() {
        assertThat(QueueRouting.route(DEFAULT, Map.of())).isEqualTo(DEFAULT);
    }

    @Test
    void requirementsPickASubQueueThatDoesNotDependOnTheirOrder() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("gpu", "true");
        ab.put("zone", "a");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("zone", "a");
        ba.put("gpu", "true");
        QueueName routed = QueueRouting.route(GPU, ab);
        assertThat(routed).isEqualTo(QueueRouting.route(GPU, ba));
        assertThat(routed.value()).startsWith("gpu[labels-");
        assertThat(routed).isNotEqualTo(QueueRouting.route(GPU, Map.of("gpu", "true")));
        assertThat(QueueRouting.route(GPU, Map.of("gpu", "false")))
                .isNotEqualTo(QueueRouting.route(GPU, Map.of("gpu", "true")));
    }

    @Test
    void aWorkerServesExactlyTheRequirementSetsItsLabelsSatisfyMostSpecificFirst() {
        List<QueueName> served = QueueRouting.served(List.of(GPU), Map.of("gpu", "true", "zone", "a"));
        assertThat(served)
                .hasSize(4)
                .contains(
                        GPU,
                        QueueRouting.route(GPU, Map.of("gpu", "true")),
                        QueueRouting.route(GPU, Map.of("zone", "a")))
                .doesNotContain(QueueRouting.route(GPU, Map.of("gpu", "false")));
        assertThat(served.getFirst()).isEqualTo(QueueRouting.route(GPU, Map.of("gpu", "true", "zone", "a")));
        assertThat(served.getLast()).isEqualTo(GPU);
        assertThat(QueueRouting.served(List.of(GPU), Map.of())).containsExactly(GPU);
    }

    @Test
    void aWorkerOfferingTooManyLabelsIsRefused() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= QueueRouting.MAX_WORKER_LABELS; i++) {
            many.put("k" + i, "v");
        }
        assertThatThrownBy(() -> QueueRouting.served(List.of(GPU), many))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining("at most 8 labels");
    }

    @Test
    void throughTheStoreOnlyAWorkerWithTheLabelsClaimsALabelledItem() {
        Stores.InMemoryStore store = Stores.inMemory(InstantSource.system());
        RunId run = RunId.generate(Instant.now(), new SplittableRandom(7));
        TaskId t = TaskId.of("train");
        store.createRun(
                new io.gyre.api.RunRecord(run, "f", io.gyre.api.RunState.RUNNING, 0, Instant.now(), null, Map.of()),
                List.of(TaskRecord.pending(run, t)));
        store.updateTask(store.task(run, t).withState(io.gyre.api.TaskState.READY));
        WorkItem item = QueueRouting.routed(
                new WorkItem(run, t, 1, new Action.Shell("true"), Map.of(), null, GPU, Map.of("gpu", "true")));
        store.enqueue(item);

        List<QueueName> cpuOnly = QueueRouting.served(List.of(GPU), Map.of());
        assertThat(store.claim(WorkerId.of("cpu-1"), cpuOnly, Duration.ofSeconds(30), Duration.ZERO))
                .isEmpty();
        List<QueueName> withGpu = QueueRouting.served(List.of(GPU), Map.of("gpu", "true", "zone", "b"));
        assertThat(store.claim(WorkerId.of("gpu-1"), withGpu, Duration.ofSeconds(30), Duration.ZERO))
                .hasValueSatisfying(l -> assertThat(l.item().labels()).containsEntry("gpu", "true"));
    }
}
