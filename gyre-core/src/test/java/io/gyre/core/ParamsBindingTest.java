package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.Flow;
import io.gyre.api.ParamValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsBindingTest {
    private static final Flow FLOW = FlowLoader.parse("""
            name: p
            params:
              name: world
              n: 3
              rate: 0.5
              verbose: false
              seeds: [1, 2]
              out: {type: string}
              opt: {type: int, required: false}
            tasks: {a: {run: echo}}
            """, "p.yaml");

    @Test
    void defaultsApplyAndOptionalWithoutValueIsAbsent() {
        Map<String, ParamValue> bound = Params.bind(FLOW, Map.of("out", "/tmp/o"));
        assertThat(bound)
                .containsExactly(
                        Map.entry("name", new ParamValue.Text("world")),
                        Map.entry("n", new ParamValue.Int(3)),
                        Map.entry("rate", new ParamValue.Float(0.5)),
                        Map.entry("verbose", new ParamValue.Bool(false)),
                        Map.entry("seeds", new ParamValue.Items(List.of("1", "2"))),
                        Map.entry("out", new ParamValue.Text("/tmp/o")));
    }

    @Test
    void overridesAreParsedByDeclaredType() {
        Map<String, ParamValue> bound = Params.bind(
                FLOW,
                Map.of(
                        "name", "no",
                        "n", "-7",
                        "rate", "1e-3",
                        "verbose", "yes",
                        "seeds", "[4, \"5\", 6]",
                        "out", "o",
                        "opt", "9"));
        assertThat(bound.get("name")).isEqualTo(new ParamValue.Text("no"));
        assertThat(bound.get("n")).isEqualTo(new ParamValue.Int(-7));
        assertThat(bound.get("rate")).isEqualTo(new ParamValue.Float(0.001));
        assertThat(bound.get("verbose")).isEqualTo(new ParamValue.Bool(true));
        assertThat(bound.get("seeds")).isEqualTo(new ParamValue.Items(List.of("4", "5", "6")));
        assertThat(bound.get("opt")).isEqualTo(new ParamValue.Int(9));
        assertThat(Params.bind(FLOW, Map.of("out", "o", "seeds", "a,b")).get("seeds"))
                .isEqualTo(new ParamValue.Items(List.of("a", "b")));
    }

    @Test
    void allProblemsAreReportedTogether() {
        assertThatThrownBy(() -> Params.bind(FLOW, Map.of("nn", "1", "n", "3.5", "verbose", "maybe")))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "unknown param 'nn' for flow 'p' (did you mean 'n'?)",
                                        "param 'n' is int; '3.5' is not an int",
                                        "param 'verbose' is bool; 'maybe' is not a bool",
                                        "param 'out' (string) is required: pass -p out=VALUE"));
    }

    @Test
    void assignmentsSplitOnTheFirstEquals() {
        assertThat(Params.parseAssignments(List.of("a=1", "b=x=y", "c=", "a=2"), "-p"))
                .containsExactly(Map.entry("a", "2"), Map.entry("b", "x=y"), Map.entry("c", ""));
    }

    @Test
    void badAssignmentsAreReportedTogether() {
        assertThatThrownBy(() -> Params.parseAssignments(List.of("novalue", "1x=2", "ok=1"), "--set"))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "--set 'novalue': expected KEY=VALUE",
                                        "--set '1x=2': '1x' is not a valid name (letters, digits and '_', not starting"
                                                + " with a digit)"));
    }
}
