package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.FanOut;
import io.gyre.api.GyreException;
import io.gyre.api.TaskId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dynamic matrix keys: located load-time problems, and what expanding a list gives or rejects. */
class FanOutValidationTest {
    private static List<String> problems(String tasks) {
        try {
            FlowLoader.parse("name: s\ntasks:\n  list: {run: echo}\n" + tasks, "s.yaml");
        } catch (InvalidFlowException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
        throw new AssertionError("expected problems in:\n" + tasks);
    }

    @Test
    void unknownSelfAndDownstreamSourcesAreLocated() {
        assertThat(problems("""
                  t:
                    matrix: {grid: {v: {from: lst}}}
                    run: echo
                  u:
                    matrix: {grid: {v: {from: u}}}
                    run: echo
                  w:
                    needs: x
                    run: echo
                  x:
                    matrix: {grid: {v: {from: w}}}
                    run: echo
                """))
                .containsExactly(
                        "s.yaml:5:31: unknown task 'lst' in from: in the matrix of task 't' (did you mean 'list'?)",
                        "s.yaml:8:31: task 'u' cannot take its matrix values from itself"
                                + " (from: names the upstream task that writes the JSON list)",
                        "s.yaml:14:31: task 'w' cannot give the matrix values of task 'x': it runs after it (w -> x)"
                                + " (from: must name a task upstream of 'x'; remove the need that makes 'w' wait for it)");
    }

    @Test
    void dynamicKeysBelongInTheGridWithoutIncludeAndWithRelativeFiles() {
        assertThat(problems("""
                  t:
                    matrix:
                      grid: {v: {from: list, file: /etc/x.json}, w: {form: list}}
                      paired: [{a: {from: list}, b: [1]}]
                    run: echo
                  u:
                    matrix:
                      grid: {v: {from: list}, n: [1, 2]}
                      include: [{v: 1, n: 3}]
                      exclude: [{v: 1}]
                    run: echo
                  v:
                    matrix: {grid: {v: {from: list}}}
                    run: echo
                  need:
                    needs: "v[1]"
                    run: echo
                """))
                .containsExactly(
                        "s.yaml:6:36: file '/etc/x.json' in grid key 'v' in the matrix of task 't' must be a relative path"
                                + " inside the task's working directory (e.g. file: inputs.json or file: out/inputs.json"
                                + " (no leading /, no ..))",
                        "s.yaml:6:53: grid key 'w' in the matrix of task 't' is a mapping without from: (give a list of"
                                + " values, or take them from a task: {from: list_inputs, file: inputs.json})",
                        "s.yaml:6:54: unknown key 'form' in grid key 'w' in the matrix of task 't' (did you mean 'from'?)",
                        "s.yaml:7:20: key 'a' in paired group 1 in the matrix of task 't' takes its values from a task,"
                                + " which only a grid key can (move it to grid:; a paired group zips lists whose lengths"
                                + " are known when the flow is read)",
                        "s.yaml:12:16: include in the matrix of task 'u' cannot be combined with grid key 'v', whose"
                                + " values come from task 'list' (an included point needs a value for every key, and"
                                + " those values are known only at run time)",
                        "s.yaml:13:18: an exclude entry in the matrix of task 'u' names 'v', whose values come from a"
                                + " task at run time (exclude only static keys; filter the list in the task that writes"
                                + " it)",
                        "s.yaml:19:12: 'v[1]' names an instance of task 'v', whose instances are known only at run"
                                + " time (need 'v' itself: it waits for every instance)");
    }

    private static DynamicSweep sweep(String matrix) {
        Plan plan = Plan.of(FlowLoader.parse(
                "name: s\ntasks:\n  list: {run: echo}\n  t:\n    matrix: " + matrix + "\n    run: echo $X\n",
                "s.yaml"));
        FanOut f = plan.task(plan.indexOf(TaskId.of("t"))).fanOut();
        return (DynamicSweep) java.util.Objects.requireNonNull(f);
    }

    private static SweepExpander.Expansion expand(DynamicSweep s, String... lists) {
        return FanOutExpander.expand(s, FanOutExpander.parse(s, List.of(lists)));
    }

    @Test
    void objectsBecomeDottedKeysAndStaticKeysMultiplyInDeclarationOrder() {
        DynamicSweep s = sweep("{grid: {n: [1, 2], in: {from: list}}, replicas: 2}");
        assertThat(s.sources()).containsExactly(new FanOut.Source("in", TaskId.of("list"), "in.json"));
        assertThat(s.staticPoints()).isEqualTo(2);

        SweepExpander.Expansion x =
                expand(s, "[{\"p\": \"a.csv\", \"m\": {\"k\": 0.10}}, {\"p\": \"b\", \"m\": {\"k\": true}}]");

        assertThat(x.sweep().keys()).containsExactly("n", "in.p", "in.m.k");
        assertThat(x.ids())
                .extracting(TaskId::value)
                .containsExactly(
                        "t[0001]", "t[0002]", "t[0003]", "t[0004]", "t[0005]", "t[0006]", "t[0007]", "t[0008]");
        assertThat(x.points()[0].values()).containsExactly("1", "a.csv", "0.10");
        assertThat(x.points()[2].values()).containsExactly("1", "b", "true");
        assertThat(x.points()[4].values()).containsExactly("2", "a.csv", "0.10");
        assertThat(x.points()[1].replica()).isEqualTo(2);
        // the same values give the same numbering and hashes every time
        assertThat(expand(s, "[{\"p\": \"a.csv\", \"m\": {\"k\": 0.10}}, {\"p\": \"b\", \"m\": {\"k\": true}}]")
                        .points()[5]
                        .hash())
                .isEqualTo(x.points()[5].hash());
    }

    @Test
    void scalarItemsKeepTheirTextAndListsReadAsStaticListsDo() {
        SweepExpander.Expansion x = expand(sweep("{grid: {x: {from: list}}}"), "[\"a b\", 1e3, null, [1, \"c\"]]");
        assertThat(x.points()).extracting(p -> p.values().getFirst()).containsExactly("a b", "1000", "null", "[1,c]");
    }

    @Test
    void everyWayAListCanBeWrongIsAClearFailure() {
        DynamicSweep s = sweep("{grid: {x: {from: list}}}");
        String src = "the list for key 'x' of task 't' (x.json of task 'list')";
        assertThatThrownBy(() -> expand(s, "{\"a\": 1}"))
                .isInstanceOf(GyreException.class)
                .hasMessage(src + " must be a JSON list, got an object; write a list such as [\"a\", \"b\"]");
        assertThatThrownBy(() -> expand(s, "[1, 2")).hasMessageStartingWith(src + " is not valid JSON: ");
        assertThatThrownBy(() -> expand(s, "")).hasMessage(src + " is empty; write a JSON list such as [\"a\", \"b\"]");
        assertThatThrownBy(() -> expand(s, "[1, {\"a\": 1}]"))
                .hasMessage(src
                        + ": item 2 is an object but item 1 is a number; the items must be all values or all objects");
        assertThatThrownBy(() -> expand(s, "[{\"a\": 1}, {\"b\": 1}]"))
                .hasMessage(src + ": item 2 has the fields [b] but item 1 has [a]; every object needs the same fields");
        assertThatThrownBy(() -> expand(s, "[{\"a-b\": 1}]"))
                .hasMessageContaining("item 1 has the field 'a-b', which is not a valid key");
        assertThatThrownBy(() -> expand(s, "[[{\"a\": 1}]]"))
                .hasMessageContaining("item 1 holds a nested list or object inside a list");
        String many = "[" + "1,".repeat((int) FanOutExpander.MAX_INSTANCES) + "1]";
        assertThatThrownBy(() -> expand(s, many))
                .hasMessage("the matrix of task 't' expands to more than 100000 tasks (100001 items in x.json); a"
                        + " dynamic sweep may have at most 100000: write a shorter list, or split the work into batches"
                        + " per item");
        assertThat(expand(s, "[]").ids()).isEmpty();
    }
}
