package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Action;
import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CyclesFindsDependencyCyclesTest {
    private static TaskSpec task(String id, String... needs) {
        return TaskSpec.of(
                TaskId.of(id),
                new Action.Shell("true"),
                java.util.Arrays.stream(needs).map(TaskId::of).toList());
    }

    private static List<String> ids(List<TaskId> path) {
        return path.stream().map(TaskId::value).toList();
    }

    @Test
    void acyclicGraphHasNoCycle() {
        assertThat(Cycles.find(List.of(task("a"), task("b", "a"), task("c", "a"), task("d", "b", "c"))))
                .isEmpty();
    }

    @Test
    void threeCycleIsItsPathFromTheFirstDeclaredTask() {
        // declared c, a, b: the path starts at c whatever node the search entered the cycle by
        List<TaskSpec> tasks = List.of(task("x"), task("c", "b"), task("a", "c", "x"), task("b", "a"));
        assertThat(Cycles.find(tasks))
                .hasValueSatisfying(path -> assertThat(ids(path)).containsExactly("c", "b", "a", "c"));
    }

    @Test
    void selfNeedIsACycle() {
        assertThat(Cycles.find(List.of(task("a", "a"))))
                .hasValueSatisfying(path -> assertThat(ids(path)).containsExactly("a", "a"));
    }

    @Test
    void unknownNeedsAreIgnored() {
        assertThat(Cycles.find(List.of(task("a", "ghost")))).isEmpty();
    }

    @Test
    void millionTaskChainWithBackEdgeDoesNotOverflowTheStack() {
        int n = 1_000_000;
        List<TaskSpec> tasks = new ArrayList<>(n);
        // t0 needs t999999 (the back edge); every other ti needs t(i-1)
        tasks.add(task("t0", "t" + (n - 1)));
        for (int i = 1; i < n; i++) {
            tasks.add(task("t" + i, "t" + (i - 1)));
        }
        List<TaskId> path = Cycles.find(tasks).orElseThrow();
        assertThat(path).hasSize(n + 1);
        assertThat(path.get(0)).isEqualTo(TaskId.of("t0"));
        assertThat(path.get(1)).isEqualTo(TaskId.of("t" + (n - 1)));
        assertThat(path.get(n)).isEqualTo(TaskId.of("t0"));

        List<TaskSpec> acyclic = new ArrayList<>(tasks);
        acyclic.set(0, task("t0"));
        assertThat(Cycles.find(acyclic)).isEmpty();
    }
}
