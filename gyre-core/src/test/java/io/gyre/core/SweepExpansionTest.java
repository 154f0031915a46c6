package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.Flow;
import io.gyre.api.SweepPoint;
import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Matrix expansion: order, counts, include/exclude, replicas, numbering, hashes and fan-in needs. */
class SweepExpansionTest {
    private static FlowLoader.Loaded load(String tasks) {
        return FlowLoader.parseWithWarnings("name: s\ntasks:\n" + tasks, "s.yaml");
    }

    private static List<TaskSpec> instances(Flow flow, String base) {
        return flow.tasks().stream()
                .filter(t -> t.point() != null && pt(t).sweep().task().value().equals(base))
                .toList();
    }

    private static List<Map<String, String>> values(List<TaskSpec> tasks) {
        return tasks.stream().map(t -> t.sweepPoint().orElseThrow().asMap()).toList();
    }

    @Test
    void aGridIsTheProductInDeclarationOrderWithTheLastKeyFastest() {
        Flow flow = load("""
                  train:
                    matrix:
                      grid: {lr: [0.1, 0.01], bs: [16, 32]}
                    run: echo
                """).flow();
        List<TaskSpec> train = instances(flow, "train");
        assertThat(train)
                .extracting(t -> t.id().value())
                .containsExactly("train[0001]", "train[0002]", "train[0003]", "train[0004]");
        assertThat(values(train))
                .containsExactly(
                        Map.of("lr", "0.1", "bs", "16"),
                        Map.of("lr", "0.1", "bs", "32"),
                        Map.of("lr", "0.01", "bs", "16"),
                        Map.of("lr", "0.01", "bs", "32"));
        assertThat(pt(train.getFirst()).sweep().keys()).containsExactly("lr", "bs");
    }

    @Test
    void pairedGroupsAreZippedAndMultiplyTheGrid() {
        Flow flow = load("""
                  train:
                    matrix:
                      grid: {lr: [0.1, 0.01], bs: [16, 32]}
                      paired:
                        - {opt: [adam, sgd], mom: [0.9, 0.95]}
                    run: echo
                """).flow();
        List<TaskSpec> train = instances(flow, "train");
        assertThat(train).hasSize(8);
        assertThat(values(train).subList(0, 3))
                .containsExactly(
                        Map.of("lr", "0.1", "bs", "16", "opt", "adam", "mom", "0.9"),
                        Map.of("lr", "0.1", "bs", "16", "opt", "sgd", "mom", "0.95"),
                        Map.of("lr", "0.1", "bs", "32", "opt", "adam", "mom", "0.9"));
        assertThat(values(train)).doesNotContain(Map.of("lr", "0.1", "bs", "16", "opt", "adam", "mom", "0.95"));
    }

    @Test
    void excludeRemovesMatchingPointsAndIncludeAppendsPoints() {
        FlowLoader.Loaded loaded = load("""
                  train:
                    matrix:
                      grid: {lr: [0.1, 0.01], bs: [16, 32]}
                      include: [{lr: 0.5, bs: 64}]
                      exclude: [{lr: 0.1, bs: 32}]
                    run: echo
                """);
        List<TaskSpec> train = instances(loaded.flow(), "train");
        assertThat(values(train))
                .containsExactly(
                        Map.of("lr", "0.1", "bs", "16"),
                        Map.of("lr", "0.01", "bs", "16"),
                        Map.of("lr", "0.01", "bs", "32"),
                        Map.of("lr", "0.5", "bs", "64"));
        assertThat(train.getLast().id()).isEqualTo(TaskId.of("train[0004]"));
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void anExcludeThatMatchesNothingIsALocatedWarning() {
        FlowLoader.Loaded loaded = load("""
                  train:
                    matrix:
                      grid: {lr: [0.1, 0.01]}
                      exclude:
                        - {lr: 0.10}
                    run: echo
                """);
        assertThat(instances(loaded.flow(), "train")).hasSize(2);
        assertThat(loaded.warnings())
                .extracting(Problem::toString)
                .containsExactly("s.yaml:7:11: warning: exclude {lr: 0.10} in the matrix of task 'train' matches no"
                        + " point (values are compared as written: 0.10 is not 0.1)");
    }

    @Test
    void replicasCopyEveryPointWithDistinctSeedsAndReplicaNumbers() {
        Flow flow = load("""
                  mc:
                    matrix:
                      grid: {energy: [1, 2]}
                      replicas: 3
                    run: echo
                """).flow();
        List<TaskSpec> mc = instances(flow, "mc");
        assertThat(mc).hasSize(6);
        assertThat(mc).extracting(t -> pt(t).replica()).containsExactly(1, 2, 3, 1, 2, 3);
        assertThat(mc).extracting(t -> pt(t).values()).startsWith(List.of("1"), List.of("1"), List.of("1"));
        Set<Long> seeds = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (TaskSpec t : mc) {
            assertThat(pt(t).seed()).isBetween(0L, (long) Integer.MAX_VALUE);
            seeds.add(pt(t).seed());
            hashes.add(pt(t).hash());
        }
        assertThat(seeds).hasSize(6);
        assertThat(hashes).hasSize(6);
        assertThat(pt(mc.getFirst()).sweep().replicas()).isEqualTo(3);
        assertThat(pt(mc.getFirst()).sweep().points()).isEqualTo(2);
    }

    @Test
    void numbersAndHashesAreStableAndHashesFollowValuesNotPositions() {
        String yaml = """
                  train:
                    matrix:
                      grid: {lr: [0.1, 0.01], bs: [16, 32]}
                    run: echo
                """;
        List<TaskSpec> a = instances(load(yaml).flow(), "train");
        List<TaskSpec> b = instances(load(yaml).flow(), "train");
        assertThat(a)
                .extracting(t -> pt(t).hash())
                .isEqualTo(b.stream().map(t -> pt(t).hash()).toList());
        assertThat(pt(a.getFirst()).hash()).matches("[0-9a-f]{12}");
        // SHA-256 of "bs=16\nlr=0.1\n": the canonical sorted key=value lines
        assertThat(pt(a.getFirst()).hash()).isEqualTo(sha256Prefix("bs=16\nlr=0.1\n"));

        // the same point in a reordered, grown sweep keeps its hash but not its number
        List<TaskSpec> grown = instances(load("""
                  train:
                    matrix:
                      grid: {bs: [8, 16, 32], lr: [0.1, 0.01]}
                    run: echo
                """).flow(), "train");
        SweepPoint same = grown.stream()
                .map(SweepExpansionTest::pt)
                .filter(p -> p.asMap().equals(Map.of("lr", "0.1", "bs", "16")))
                .findFirst()
                .orElseThrow();
        assertThat(same.hash()).isEqualTo(pt(a.getFirst()).hash());
        assertThat(same.number()).isEqualTo(3);
    }

    @Test
    void numbersWidenBeyondFourDigitsWhenNeeded() {
        assertThat(SweepExpander.instanceId(TaskId.of("t"), 7, 24)).isEqualTo(TaskId.of("t[0007]"));
        assertThat(SweepExpander.instanceId(TaskId.of("t"), 7, 12_000)).isEqualTo(TaskId.of("t[00007]"));
    }

    @Test
    void nestedKeysListsAndNullsAreValues() {
        Flow flow = load("""
                  train:
                    matrix:
                      grid: {model.depth: [2, 4], layers: [[1, 2], [3]], extra: [~]}
                    command: [python, train.py]
                    args: hydra
                """).flow();
        List<TaskSpec> train = instances(flow, "train");
        assertThat(train).hasSize(4);
        assertThat(pt(train.getFirst()).asMap())
                .containsExactly(
                        Map.entry("model.depth", "2"), Map.entry("layers", "[1,2]"), Map.entry("extra", "null"));
        assertThat(HydraArgs.overrides(pt(train.getFirst())))
                .containsExactly("model.depth=2", "layers=[1,2]", "extra=null");
    }

    @Test
    void aNeedOnTheSweepWaitsForAllInstancesAndAnInstanceCanBeNamed() {
        Flow flow = load("""
                  prepare: {run: echo}
                  train:
                    needs: prepare
                    matrix: {grid: {lr: [1, 2, 3]}}
                    run: echo
                  report: {needs: train, run: echo}
                  best: {needs: ["train[2]", prepare], run: echo}
                """).flow();
        Plan plan = Plan.of(flow);
        assertThat(plan.size()).isEqualTo(6);
        TaskSpec report = plan.task(plan.indexOf(TaskId.of("report")));
        assertThat(report.needs())
                .extracting(TaskId::value)
                .containsExactly("train[0001]", "train[0002]", "train[0003]");
        assertThat(plan.task(plan.indexOf(TaskId.of("best"))).needs())
                .extracting(TaskId::value)
                .containsExactly("train[0002]", "prepare");
        assertThat(plan.task(plan.indexOf(TaskId.of("train[0003]"))).needs()).containsExactly(TaskId.of("prepare"));
        assertThat(plan.level(plan.indexOf(TaskId.of("report")))).isEqualTo(2);
        // --target on the base id plans every instance
        assertThat(plan.closure(List.of(TaskId.of("train"))).size()).isEqualTo(4);
        assertThat(PlanFormat.sweepSummaries(plan)).containsExactly("train: 3 points = 3 tasks");
    }

    @Test
    void planTextSummarisesEachSweep() {
        Plan plan = Plan.of(load("""
                  train:
                    matrix:
                      grid: {lr: [0.1, 0.01], bs: [16, 32]}
                      paired: [{opt: [adam, sgd], mom: [0.9, 0.95]}]
                      replicas: 3
                    run: echo
                  report: {needs: train, run: echo}
                """).flow());
        String text = PlanFormat.TEXT.render(plan);
        assertThat(text)
                .contains("train: 8 points x 3 replicas = 24 tasks")
                .contains("train[0024]")
                .contains("report  <- train[0001], ")
                .contains("... (24 in all)");
    }

    /**
     * 100 x 100 x 100 = 1,000,000 instances through the real loader and planner. No timing assertion (timing lives
     * in benchmarks); measured by hand: see docs/flows.md.
     */
    @Test
    void aMillionPointSweepLoadsAndPlans() {
        StringBuilder values = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            values.append(i == 0 ? "" : ", ").append(i);
        }
        values.append(']');
        Flow flow = load("  big:\n    matrix:\n      grid: {a: " + values + ", b: " + values + ", c: " + values
                        + "}\n    command: [echo]\n  done: {needs: big, run: echo}\n")
                .flow();
        Plan plan = Plan.of(flow);
        assertThat(plan.size()).isEqualTo(1_000_001);
        assertThat(plan.task(0).id()).isEqualTo(TaskId.of("big[0000001]"));
        assertThat(pt(plan.task(0)).values()).containsExactly("0", "0", "0");
        assertThat(pt(plan.task(1)).values()).containsExactly("0", "0", "1");
        assertThat(pt(plan.task(12_345)).values()).containsExactly("1", "23", "45");
        assertThat(plan.task(999_999).id()).isEqualTo(TaskId.of("big[1000000]"));
        assertThat(pt(plan.task(999_999)).values()).containsExactly("99", "99", "99");
        assertThat(plan.needCount(1_000_000)).isEqualTo(1_000_000);
        assertThat(plan.levels()).isEqualTo(2);
    }

    private static SweepPoint pt(TaskSpec t) {
        return t.sweepPoint().orElseThrow();
    }

    private static String sha256Prefix(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
