package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Flow;
import io.gyre.api.MergeOp;
import io.gyre.api.MergeSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A flow's {@code merge:} mapping: how each published result combines across tasks. */
class MergeConfigTest {
    private static final String TASKS = "tasks:\n  t: {run: echo}\n";

    private static Flow flow(String merge) {
        return FlowLoader.parse("name: m\n" + merge + TASKS, "m.yaml");
    }

    private static List<String> problems(String merge) {
        try {
            flow(merge);
        } catch (InvalidFlowException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
        throw new AssertionError("expected problems in:\n" + merge);
    }

    @Test
    void opsWeightsShorthandAndGlobsAreRead() {
        Flow f = flow("""
                merge:
                  pi: mean
                  dose-*: {op: weighted-mean, weight: equal}
                  hits: {op: sum}
                  edep: {}
                """);
        assertThat(f.merge())
                .containsExactly(
                        new MergeSpec("pi", MergeOp.MEAN, MergeSpec.Weighting.SNAPSHOT),
                        new MergeSpec("dose-*", MergeOp.WEIGHTED_MEAN, MergeSpec.Weighting.EQUAL),
                        new MergeSpec("hits", MergeOp.SUM, MergeSpec.Weighting.SNAPSHOT),
                        new MergeSpec("edep", MergeOp.WEIGHTED_MEAN, MergeSpec.Weighting.SNAPSHOT));
        assertThat(f.mergeOf("dose-150MeV").op()).isEqualTo(MergeOp.WEIGHTED_MEAN);
        assertThat(f.mergeOf("dose-150MeV").weighting()).isEqualTo(MergeSpec.Weighting.EQUAL);
        assertThat(f.mergeOf("hits").op()).isEqualTo(MergeOp.SUM);
        assertThat(f.mergeOf("other")).isEqualTo(MergeSpec.DEFAULT);
        assertThat(f.mergeOf("dose")).isEqualTo(MergeSpec.DEFAULT);
    }

    @Test
    void noMergeMeansTheDefaultForEveryResult() {
        Flow f = flow("");
        assertThat(f.merge()).isEmpty();
        assertThat(f.mergeOf("anything").op()).isEqualTo(MergeOp.WEIGHTED_MEAN);
    }

    @Test
    void badOpsWeightsKeysAndNamesAreLocated() {
        assertThat(problems("""
                merge:
                  pi: avg
                  dose: {op: weighted_mean, weight: primaries, by: x}
                  "a b": sum
                  hits: [sum]
                """))
                .containsExactly(
                        "m.yaml:3:7: unknown merge op 'avg' in merge of 'pi' (use one of mean, weighted-mean, sum, min,"
                                + " max, concat)",
                        "m.yaml:4:14: unknown merge op 'weighted_mean' in merge of 'dose' (did you mean"
                                + " 'weighted-mean'?)",
                        "m.yaml:4:37: unknown weight 'primaries' in merge of 'dose' (use one of snapshot, equal)",
                        "m.yaml:4:48: unknown key 'by' in merge of 'dose' (allowed keys: op, weight)",
                        "m.yaml:5:3: invalid result name 'a b' in merge (use letters, digits, '_', '-' and '.', with '*'"
                                + " matching any run of characters)",
                        "m.yaml:6:9: the merge of 'hits' must be an op or {op, weight}, got a list (e.g. hits: {op:"
                                + " weighted-mean, weight: snapshot})");
    }

    @Test
    void mergeMustBeAMapping() {
        assertThat(problems("merge: [pi]\n"))
                .containsExactly("m.yaml:2:8: merge must be a mapping of result name to {op, weight}, got a list (e.g."
                        + " merge: {dose: {op: weighted-mean}, pi: mean})");
    }
}
