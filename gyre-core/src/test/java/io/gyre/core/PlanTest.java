package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.Action;
import io.gyre.api.Flow;
import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compiled graph: edges both ways, levels, closures and the errors of flows built in code. */
class PlanTest {
    private static TaskSpec task(String id, String... needs) {
        return TaskSpec.of(
                TaskId.of(id),
                new Action.Command(List.of("true")),
                List.of(needs).stream().map(TaskId::of).toList());
    }

    private static final Flow DIAMOND =
            Flow.of("d", List.of(task("a"), task("b", "a"), task("c", "a"), task("d", "b", "c"), task("x")));

    @Test
    void needsAndDependentsAreStoredBothWays() {
        Plan p = Plan.of(DIAMOND);
        int a = p.indexOf(TaskId.of("a"));
        int d = p.indexOf(TaskId.of("d"));
        assertThat(p.dependentCount(a)).isEqualTo(2);
        assertThat(List.of(
                        p.task(p.dependent(a, 0)).id().value(),
                        p.task(p.dependent(a, 1)).id().value()))
                .containsExactlyInAnyOrder("b", "c");
        assertThat(p.needCount(d)).isEqualTo(2);
        assertThat(p.edges()).isEqualTo(4);
    }

    @Test
    void levelsAreTheLongestPathFromARoot() {
        Plan p = Plan.of(DIAMOND);
        assertThat(p.level(p.indexOf(TaskId.of("a")))).isZero();
        assertThat(p.level(p.indexOf(TaskId.of("x")))).isZero();
        assertThat(p.level(p.indexOf(TaskId.of("d")))).isEqualTo(2);
        assertThat(p.levels()).isEqualTo(3);
        assertThat(p.summary()).isEqualTo("5 tasks, 4 dependencies, 3 levels");
        assertThat(Plan.of(Flow.of("one", List.of(task("a")))).summary()).isEqualTo("1 task, 0 dependencies, 1 level");
    }

    @Test
    void aClosureKeepsTheTargetsAndEverythingTheyNeed() {
        Plan p = Plan.of(DIAMOND).closure(List.of(TaskId.of("b")));
        assertThat(p.size()).isEqualTo(2);
        assertThat(p.contains(TaskId.of("a"))).isTrue();
        assertThat(p.contains(TaskId.of("c"))).isFalse();
        assertThat(Plan.of(DIAMOND)
                        .closure(List.of(TaskId.of("d"), TaskId.of("x")))
                        .size())
                .isEqualTo(5);
    }

    @Test
    void flowsBuiltInCodeGetTheSameErrorsAsFiles() {
        assertThatThrownBy(() -> Plan.of(Flow.of("c", List.of(task("a", "c"), task("b", "a"), task("c", "b")))))
                .isInstanceOf(InvalidFlowException.class)
                .hasMessageContaining("a -> c -> b -> a");
        assertThatThrownBy(() -> Plan.of(Flow.of("u", List.of(task("a", "nope")))))
                .isInstanceOf(InvalidFlowException.class)
                .hasMessageContaining("needs 'nope'");
        assertThatThrownBy(() -> Plan.of(Flow.of("dup", List.of(task("a"), task("a")))))
                .isInstanceOf(InvalidFlowException.class)
                .hasMessageContaining("duplicate task id 'a'");
        assertThatThrownBy(() -> Plan.of(DIAMOND).closure(List.of(TaskId.of("zz"))))
                .isInstanceOf(InvalidFlowException.class)
                .hasMessageContaining("--target 'zz'");
    }

    @Test
    void aLongChainPlansWithoutRecursion() {
        int n = 200_000;
        List<TaskSpec> chain = new java.util.ArrayList<>(n);
        chain.add(task("t0"));
        for (int i = 1; i < n; i++) {
            chain.add(task("t" + i, "t" + (i - 1)));
        }
        Plan p = Plan.of(Flow.of("chain", chain));
        assertThat(p.levels()).isEqualTo(n);
        assertThat(p.closure(List.of(TaskId.of("t" + (n - 1)))).size()).isEqualTo(n);
    }
}
