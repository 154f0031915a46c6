package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A dynamic sweep in the engine: expansion when its source succeeds, fan-in, failures, and resume. */
class DynamicFanOutEngineTest {
    private static final String FLOW = """
            name: fan
            tasks:
              list: {run: "true"}
              work:
                matrix: {grid: {v: {from: list}}}
                run: test "$V" != bad
              after: {needs: work, run: "true"}
            """;

    private final Stores.InMemoryStore store = Stores.inMemory(java.time.InstantSource.system());
    private @Nullable Engine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private Engine engine() {
        if (engine == null) {
            engine = Engine.builder()
                    .store(store)
                    .executor(Executors.localProcess())
                    .parallel(2)
                    .build();
        }
        return engine;
    }

    private RunSpec spec(String list) {
        Plan plan = Plan.of(FlowLoader.parse(FLOW, "fan.yaml"));
        Instant now = Instant.now();
        io.gyre.api.RunId id = io.gyre.api.RunId.generate(now, new java.util.SplittableRandom(7));
        MacroScope scope = new MacroScope(id, now, new java.util.SplittableRandom(7), Map.of(), Map.of(), Map.of());
        return new RunSpec(
                id,
                plan,
                now,
                Map.of(),
                TaskResolvers.macros(scope, Map.of()),
                AttemptSetups.scratch(),
                FanOutFiles.inMemory(Map.of("list/v.json", list)));
    }

    private Map<String, TaskState> states(RunSpec spec) {
        Map<String, TaskState> m = new TreeMap<>();
        for (TaskRecord r : store.tasks(spec.id())) {
            m.put(r.id().value(), r.state());
        }
        return m;
    }

    private List<String> events(RunSpec spec, EventKind kind) {
        return store.events(spec.id(), 0, 100_000).stream()
                .filter(e -> e.kind() == kind && e.task() != null)
                .map(e -> e.task().value())
                .toList();
    }

    @Test
    void theSweepExpandsWhenItsSourceSucceedsAndItsDependentWaitsForEveryInstance() throws Exception {
        RunSpec spec = spec("[1, 2, 3]");
        RunRecord end = engine().start(spec).await(Duration.ofSeconds(20));

        assertThat(end.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(states(spec)).containsOnlyKeys("list", "work", "work[0001]", "work[0002]", "work[0003]", "after");
        assertThat(states(spec).values()).containsOnly(TaskState.SUCCEEDED);
        List<String> done = events(spec, EventKind.TASK_SUCCEEDED);
        assertThat(done.indexOf("list")).isLessThan(done.indexOf("work[0001]"));
        for (String i : List.of("work[0001]", "work[0002]", "work[0003]")) {
            assertThat(done.indexOf(i)).isLessThan(done.indexOf("work"));
        }
        assertThat(done.getLast()).isEqualTo("after");
        assertThat(events(spec, EventKind.TASK_EXPANDED)).containsExactly("work");
    }

    @Test
    void aFailingInstanceFailsTheSweepAndSkipsItsDependents() throws Exception {
        RunSpec spec = spec("[1, \"bad\", 3]");
        RunRecord end = engine().start(spec).await(Duration.ofSeconds(20));

        assertThat(end.state()).isEqualTo(RunState.FAILED);
        assertThat(states(spec))
                .containsEntry("work[0001]", TaskState.SUCCEEDED)
                .containsEntry("work[0002]", TaskState.FAILED)
                .containsEntry("work[0003]", TaskState.SUCCEEDED)
                .containsEntry("work", TaskState.FAILED)
                .containsEntry("after", TaskState.SKIPPED);
        assertThat(store.task(spec.id(), io.gyre.api.TaskId.of("work"))
                        .failureOf()
                        .orElseThrow()
                        .message())
                .isEqualTo("1 of 3 instances did not succeed: work[0002]");
    }

    @Test
    void aListThatCannotBeExpandedFailsTheSweptTaskWithTheReason() throws Exception {
        RunSpec spec = spec("[1, 2");
        RunRecord end = engine().start(spec).await(Duration.ofSeconds(20));

        assertThat(end.state()).isEqualTo(RunState.FAILED);
        assertThat(states(spec)).containsOnlyKeys("list", "work", "after").containsEntry("after", TaskState.SKIPPED);
        assertThat(store.task(spec.id(), io.gyre.api.TaskId.of("work"))
                        .failureOf()
                        .orElseThrow()
                        .message())
                .startsWith("the list for key 'v' of task 'work' (v.json of task 'list') is not valid JSON:");
    }

    @Test
    void anEmptyListSucceedsWithNothingToDoAndItsDependentsRun() throws Exception {
        RunSpec spec = spec("[]");
        RunRecord end = engine().start(spec).await(Duration.ofSeconds(20));

        assertThat(end.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(states(spec)).containsOnlyKeys("list", "work", "after");
    }

    @Test
    void aResumedRunUsesTheRecordedExpansionAndRerunsOnlyTheInstancesThatFailed() throws Exception {
        RunSpec spec = spec("[1, \"bad\", 3]");
        engine().start(spec).await(Duration.ofSeconds(20));
        // what LocalRun.resume does with a run directory: the records as they were, then resume
        FanOutFiles files = spec.fanOutFiles();
        String recorded = files.recorded(io.gyre.api.TaskId.of("work")).orElseThrow();
        assertThat(recorded).contains("\"values\" : [ 1, \"bad\", 3 ]");
        files.record(io.gyre.api.TaskId.of("work"), recorded.replace("\"bad\"", "2"));
        long startedBefore = started(spec);

        RunRecord end = engine().resume(spec).await(Duration.ofSeconds(20));

        assertThat(end.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(states(spec).values()).containsOnly(TaskState.SUCCEEDED);
        assertThat(started(spec) - startedBefore).isEqualTo(2); // work[0002] and after
        assertThat(events(spec, EventKind.TASK_RESUMED)).contains("work", "work[0002]", "after");
    }

    private long started(RunSpec spec) {
        return store.events(spec.id(), 0, 100_000).stream()
                .map(Event::kind)
                .filter(k -> k == EventKind.TASK_STARTED)
                .count();
    }
}
