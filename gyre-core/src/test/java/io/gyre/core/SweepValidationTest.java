package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every matrix problem is reported at once, located at file:line:col, with a hint. */
class SweepValidationTest {
    private static List<String> problems(String tasks) {
        try {
            FlowLoader.parse("name: s\nparams: {depth: 2}\ntasks:\n" + tasks, "s.yaml");
        } catch (InvalidFlowException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
        throw new AssertionError("expected problems in:\n" + tasks);
    }

    @Test
    void emptyAndNonListValues() {
        assertThat(problems("""
                  t:
                    matrix:
                      grid: {lr: [], bs: 16}
                    run: echo
                """))
                .containsExactly(
                        "s.yaml:6:18: grid key 'lr' in the matrix of task 't' has no values"
                                + " (give at least one value, or remove the key)",
                        "s.yaml:6:26: grid key 'bs' in the matrix of task 't' must be a list of values, got '16'"
                                + " (write [16] for a single value)");
    }

    @Test
    void pairedListsOfUnequalLengthNameTheGroupAndTheLengths() {
        assertThat(problems("""
                  t:
                    matrix:
                      paired:
                        - {opt: [adam, sgd], mom: [0.9, 0.95, 0.99]}
                    run: echo
                """))
                .containsExactly("s.yaml:7:11: paired group 1 (opt, mom) in the matrix of task 't' has lists of unequal"
                        + " length: opt has 2, mom has 3 (paired lists are zipped: give every key of a group the same"
                        + " number of values)");
    }

    @Test
    void aKeyInTwoPlaces() {
        assertThat(problems("""
                  t:
                    matrix:
                      grid: {lr: [1, 2]}
                      paired:
                        - {lr: [1], bs: [2]}
                        - {bs: [3], x: [4]}
                    run: echo
                """))
                .containsExactly(
                        "s.yaml:8:12: key 'lr' in the matrix of task 't' is in both grid and paired group 1"
                                + " (a key can vary in one place only: the grid or one paired group)",
                        "s.yaml:9:12: key 'bs' in the matrix of task 't' is in both paired group 1 and paired group 2"
                                + " (a key can vary in one place only: the grid or one paired group)");
    }

    @Test
    void replicasBelowOne() {
        assertThat(problems("""
                  t:
                    matrix: {grid: {a: [1]}, replicas: 0}
                    run: echo
                """))
                .containsExactly("s.yaml:5:40: replicas in the matrix of task 't' must be at least 1, got '0'");
    }

    @Test
    void unknownMatrixKeysIncludeKeysAndExcludeKeysSuggestTheClosest() {
        assertThat(problems("""
                  t:
                    matrix:
                      grid: {lr: [1, 2], bs: [3]}
                      replica: 2
                      include: [{lr: 5, bz: 6}]
                      exclude: [{lrr: 1}]
                    run: echo
                """))
                .containsExactly(
                        "s.yaml:7:7: unknown key 'replica' in the matrix of task 't' (did you mean 'replicas'?)",
                        "s.yaml:8:25: unknown key 'bz' in an include entry in the matrix of task 't'"
                                + " (did you mean 'bs'?)",
                        "s.yaml:9:18: unknown key 'lrr' in an exclude entry in the matrix of task 't'"
                                + " (did you mean 'lr'?)");
    }

    @Test
    void anIncludeEntryNeedsEveryKey() {
        assertThat(problems("""
                  t:
                    matrix:
                      grid: {lr: [1, 2], bs: [3]}
                      include: [{lr: 5}]
                    run: echo
                """))
                .containsExactly("s.yaml:7:17: an include entry in the matrix of task 't' gives no value for 'bs'"
                        + " (an included point needs a value for every key: lr, bs)");
    }

    @Test
    void hydraArgsNeedACommandAndAMatrix() {
        assertThat(problems("""
                  a:
                    matrix: {grid: {x: [1]}}
                    args: hydra
                    run: echo
                  b:
                    args: hydra
                    command: [echo]
                  c:
                    matrix: {grid: {x: [1]}}
                    args: hidra
                    command: [echo]
                """))
                .containsExactly(
                        "s.yaml:6:11: args: hydra in task 'a' needs command:, not run: (Hydra overrides are appended"
                                + " to an argv; in a run: script use $LR or ${params.lr})",
                        "s.yaml:9:11: args: hydra in task 'b' needs a matrix (it appends each point's values to the"
                                + " command)",
                        "s.yaml:13:11: unknown args 'hidra' in task 'c' (did you mean 'hydra'?)");
    }

    @Test
    void instanceNeedsAreChecked() {
        assertThat(problems("""
                  t:
                    matrix: {grid: {x: [1, 2]}}
                    run: echo
                  plain: {run: echo}
                  a: {needs: ["t[3]", "plain[1]", "nope[1]"], run: echo}
                """))
                .containsExactly(
                        "s.yaml:8:15: 't[3]' names no instance: task 't' has 2 (numbered from 1)",
                        "s.yaml:8:23: task 'plain' has no matrix, so 'plain[1]' names no task (need 'plain' itself)",
                        "s.yaml:8:35: unknown task 'nope' in needs of task 'a' (declared tasks: a, t, plain)");
    }

    @Test
    void matrixKeysArePerTaskParamsAndReplicaMacrosNeedReplicas() {
        assertThat(problems("""
                  t:
                    matrix: {grid: {lr: [1], model.width: [2]}}
                    run: echo ${params.lr} ${params.model_width} ${params.depth} ${REPLICA}
                  u:
                    run: echo ${params.lr}
                """))
                .containsExactly(
                        "s.yaml:6:66: ${REPLICA} is only set in a task whose matrix has replicas (run in task 't')"
                                + " (add replicas: N to the task's matrix, or write $${ for a literal)",
                        "s.yaml:8:15: unknown param 'lr' in ${params.lr} (run in task 'u')"
                                + " (declare it under params:)");
    }

    @Test
    void keysThatCollideAsVariables() {
        assertThat(problems("""
                  t:
                    matrix: {grid: {a.b: [1], a_b: [2], seed: [3]}, replicas: 2}
                    run: echo
                """))
                .containsExactly(
                        "s.yaml:5:31: matrix keys 'a.b' and 'a_b' in the matrix of task 't' are both $A_B"
                                + " (rename one of them)",
                        "s.yaml:5:41: matrix key 'seed' in the matrix of task 't' collides with $SEED of the"
                                + " replicas (rename the key)");
    }
}
