package io.gyre.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gyre.api.GyreException;
import io.gyre.api.MergeOp;
import io.gyre.api.TaskId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Incremental merges: order independence, replacement, exclusion, and the statistics against a direct computation. */
class ResultMergerTest {
    /** Stands in for the object store: every snapshot ever accepted, by task and sequence. */
    private final Map<String, double[]> stored = new HashMap<>();

    private ResultMerger merger(MergeOp op) {
        return new ResultMerger(
                "dose", op, ref -> java.util.Objects.requireNonNull(stored.get(ref.task() + "#" + ref.seq())));
    }

    private Snapshot snap(String task, long seq, double weight, double... values) {
        stored.put(task + "#" + seq, values);
        return Snapshot.of(TaskId.of(task), "dose", seq, weight, values);
    }

    @Test
    void threePagesMergeToTheirMeanWhateverTheOrder() {
        List<Snapshot> pages =
                new ArrayList<>(List.of(snap("a", 1, 1, 1, 2), snap("b", 1, 1, 3, 4), snap("c", 1, 1, 5, 6)));
        for (int round = 0; round < 6; round++) {
            Collections.shuffle(pages, new java.util.Random(round));
            ResultMerger m = merger(MergeOp.WEIGHTED_MEAN);
            pages.forEach(m::accept);
            MergedResult r = m.view();
            assertThat(r.values()).containsExactly(3, 4);
            assertThat(r.contributors()).isEqualTo(3);
            assertThat(r.weight()).isEqualTo(3);
        }
    }

    @Test
    void weightsPullTheMeanAndGiveAStandardError() {
        ResultMerger m = merger(MergeOp.WEIGHTED_MEAN);
        m.accept(snap("a", 1, 100, 1));
        m.accept(snap("b", 1, 300, 5));
        MergedResult r = m.view();
        assertThat(r.values()[0]).isCloseTo(4, within(1e-12));
        // sigma^2 = (100*9 + 300*1) / (n-1) = 1200; SE = sqrt(1200 / 400)
        assertThat(r.stderr()[0]).isCloseTo(Math.sqrt(3), within(1e-12));
        assertThat(r.weight()).isEqualTo(400);
    }

    @Test
    void aNewerSnapshotReplacesTheOlderContributionAndAnOlderOneIsIgnored() {
        ResultMerger m = merger(MergeOp.WEIGHTED_MEAN);
        m.accept(snap("a", 1, 10, 100));
        m.accept(snap("b", 1, 10, 2));
        m.accept(snap("a", 2, 30, 6));
        m.accept(snap("a", 1, 10, 100)); // late duplicate of the old one
        MergedResult r = m.view();
        assertThat(r.values()[0]).isCloseTo((10 * 2 + 30 * 6) / 40.0, within(1e-12));
        assertThat(r.contributors()).isEqualTo(2);
        assertThat(r.weight()).isEqualTo(40);
    }

    @Test
    void aFailedReplicaIsExcluded() {
        ResultMerger m = merger(MergeOp.MEAN);
        m.accept(snap("a", 1, 1, 1));
        m.accept(snap("b", 1, 1, 1000));
        m.accept(snap("c", 1, 1, 3));
        m.exclude(TaskId.of("b"));
        assertThat(m.view().values()).containsExactly(2);
        assertThat(m.view().contributors()).isEqualTo(2);
    }

    @Test
    void sumMinMaxAndConcatFollowReplacementToo() {
        for (MergeOp op : List.of(MergeOp.SUM, MergeOp.MIN, MergeOp.MAX, MergeOp.CONCAT)) {
            ResultMerger m = merger(op);
            m.accept(snap("a", 1, 1, 1, 9));
            m.accept(snap("b", 1, 1, 5, 2));
            m.accept(snap("a", 2, 1, 7, 0));
            double[] v = m.view().values();
            switch (op) {
                case SUM -> assertThat(v).containsExactly(12, 2);
                case MIN -> assertThat(v).containsExactly(5, 0);
                case MAX -> assertThat(v).containsExactly(7, 2);
                case CONCAT -> assertThat(v).containsExactly(7, 0, 5, 2);
                case MEAN, WEIGHTED_MEAN -> throw new AssertionError();
            }
        }
    }

    @Test
    void snapshotsOfAnotherShapeAreRefused() {
        ResultMerger m = merger(MergeOp.WEIGHTED_MEAN);
        m.accept(snap("a", 1, 1, 1, 2));
        assertThatThrownBy(() -> m.accept(snap("b", 1, 1, 1, 2, 3)))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining("shape [3]");
    }

    @RepeatedTest(5)
    void statisticsMatchADirectTwoPassComputationDespiteReplacements() {
        long seed = new SplittableRandom().nextLong();
        System.out.println("ResultMergerTest seed=" + seed);
        SplittableRandom random = new SplittableRandom(seed);
        int tasks = 2 + random.nextInt(30);
        int length = 1 + random.nextInt(50);
        ResultMerger m = merger(MergeOp.WEIGHTED_MEAN);
        Map<String, double[]> last = new HashMap<>();
        Map<String, Double> lastWeight = new HashMap<>();
        for (int step = 0; step < tasks * 4; step++) {
            String t = "t" + random.nextInt(tasks);
            double w = 1 + random.nextInt(1000);
            double[] v = new double[length];
            for (int i = 0; i < length; i++) {
                v[i] = 1e6 + random.nextGaussian(); // a large offset: catastrophic cancellation would show here
            }
            m.accept(snap(t, step, w, v));
            last.put(t, v);
            lastWeight.put(t, w);
        }
        MergedResult r = m.view();
        double total =
                lastWeight.values().stream().mapToDouble(Double::doubleValue).sum();
        for (int i = 0; i < length; i++) {
            double mean = 0;
            for (var e : last.entrySet()) {
                mean += lastWeight.getOrDefault(e.getKey(), 0.0) * e.getValue()[i];
            }
            mean /= total;
            double m2 = 0;
            for (var e : last.entrySet()) {
                double d = e.getValue()[i] - mean;
                m2 += lastWeight.getOrDefault(e.getKey(), 0.0) * d * d;
            }
            assertThat(r.values()[i]).as("seed %d", seed).isCloseTo(mean, within(1e-9));
            if (last.size() > 1) {
                double se = Math.sqrt(m2 / (last.size() - 1) / total);
                assertThat(r.stderr()[i]).as("seed %d", seed).isCloseTo(se, within(se * 1e-6 + 1e-12));
            }
        }
        assertThat(r.contributors()).isEqualTo(last.size());
    }
}
