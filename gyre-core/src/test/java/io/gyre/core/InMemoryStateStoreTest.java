package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.Completion;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.GyreException;
import io.gyre.api.Lease;
import io.gyre.api.StateQueries;
import io.gyre.api.StateStore;
import io.gyre.testkit.ManualClock;
import io.gyre.testkit.StateStoreContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InMemoryStateStoreTest extends StateStoreContract {
    @Override
    protected StateStore newStore(ManualClock clock) {
        return Stores.inMemory(clock);
    }

    @Override
    protected StateQueries queries(StateStore store) {
        return (StateQueries) store;
    }

    @Test
    void aListenerThatAppendsSeesItsEventAfterTheCurrentOneInEveryListener() throws Exception {
        createRun(RUN, 0);
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        try (AutoCloseable a = queries.subscribe(RUN, e -> {
                    first.add(e.seq());
                    if (e.kind() == EventKind.RUN_STARTED) {
                        store.append(Event.of(RUN, e.time(), EventKind.TASK_READY, null, Map.of()));
                    }
                });
                AutoCloseable b = queries.subscribe(RUN, e -> second.add(e.seq()))) {
            store.append(Event.of(RUN, clock.instant(), EventKind.RUN_STARTED, null, Map.of()));
        }

        assertThat(first).containsExactly(1L, 2L);
        assertThat(second).containsExactly(1L, 2L);
    }

    @Test
    void aFailingListenerDoesNotUndoTheAppendOrStarveOthers() throws Exception {
        createRun(RUN, 0);
        List<Long> seen = new ArrayList<>();
        try (AutoCloseable a = queries.subscribe(RUN, e -> {
                    throw new IllegalStateException("listener bug");
                });
                AutoCloseable b = queries.subscribe(RUN, e -> seen.add(e.seq()))) {
            Event stored = store.append(Event.of(RUN, clock.instant(), EventKind.RUN_STARTED, null, Map.of()));
            assertThat(stored.seq()).isEqualTo(1);
        }

        assertThat(seen).containsExactly(1L);
    }

    @Test
    void closingWakesWaitersWithNothingAndRefusesFurtherWrites() throws Exception {
        createRun(RUN, 1);
        Started<Optional<Lease>> claimer = start(() -> store.claim(WORKER, List.of(CPU), TTL, Duration.ofSeconds(30)));
        Started<List<Completion>> taker = start(() -> store.takeCompletions(RUN, 1, Duration.ofSeconds(30)));
        awaitParked(claimer.thread());
        awaitParked(taker.thread());

        store.close();

        assertThat(claimer.get()).isEmpty();
        assertThat(taker.get()).isEmpty();
        assertThatThrownBy(() -> store.append(Event.of(RUN, clock.instant(), EventKind.RUN_STARTED, null, Map.of())))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining("closed");
    }
}
