package io.gyre.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.GyreException;
import io.gyre.api.MergeOp;
import io.gyre.api.TaskId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading values straight from a snapshot file's pages and merging them in element stripes on several threads
 * gives the same view, to the last bit, as accepting whole arrays on one thread.
 */
class FusedStripedMergeTest {
    @TempDir
    Path dir;

    private final Map<String, double[]> stored = new HashMap<>();

    private ResultMerger merger(ExecutorService helpers, int stripes) {
        return new ResultMerger(
                "dose",
                MergeOp.WEIGHTED_MEAN,
                ref -> Objects.requireNonNull(stored.get(ref.task() + "#" + ref.seq())),
                helpers,
                stripes);
    }

    @RepeatedTest(3)
    void filesReadByPagesAndMergedInStripesGiveTheSameViewAsArrays() throws IOException {
        long seed = System.nanoTime();
        System.out.println("FusedStripedMergeTest seed=" + seed);
        SplittableRandom r = new SplittableRandom(seed);
        // Not a multiple of the block size, and more than one block, so stripes and the last block are uneven.
        int length = 3 * MomentSums.BLOCK + 1 + r.nextInt(2 * MomentSums.BLOCK);
        ExecutorService helpers = Executors.newFixedThreadPool(2);
        try {
            ResultMerger plain = new ResultMerger(
                    "dose",
                    MergeOp.WEIGHTED_MEAN,
                    ref -> Objects.requireNonNull(stored.get(ref.task() + "#" + ref.seq())));
            ResultMerger fused = merger(helpers, 1);
            ResultMerger striped = merger(helpers, 3);
            ValuesReader reader = new ValuesReader();
            for (int k = 0; k < 12; k++) {
                String task = "t" + r.nextInt(6); // some tasks publish again: their older snapshot is replaced
                long seq = k + 1;
                double[] values = new double[length];
                for (int i = 0; i < length; i++) {
                    values[i] = 1e6 + i + r.nextGaussian();
                }
                stored.put(task + "#" + seq, values.clone());
                Snapshot s = Snapshot.of(TaskId.of(task), "dose", seq, 1 + r.nextInt(1000), values);
                // Alternate Gyre's own form (read by pages) with a BYTE_STREAM_SPLIT file (the general reader).
                SnapshotParquet.Layout layout =
                        k % 3 == 2 ? SnapshotParquet.Layout.BYTE_STREAM_SPLIT : SnapshotParquet.Layout.PLAIN;
                Path file = dir.resolve("s" + k + ".parquet");
                Files.write(file, SnapshotParquet.write(s, SnapshotParquet.Codec.UNCOMPRESSED, layout));
                plain.accept(s);
                try (ValuesReader.OpenValues v = reader.open(file)) {
                    assertThat(v.array() == null).isEqualTo(layout == SnapshotParquet.Layout.PLAIN);
                    fused.accept(s.ref(), v);
                    striped.accept(s.ref(), v);
                }
            }
            MergedResult expected = plain.view();
            for (MergedResult actual : new MergedResult[] {fused.view(), striped.view()}) {
                assertThat(actual.contributors()).isEqualTo(expected.contributors());
                assertThat(actual.values()).isEqualTo(expected.values()); // Arrays.equals: bit for bit
                assertThat(actual.stderr()).isEqualTo(expected.stderr());
            }
        } finally {
            helpers.shutdown();
        }
    }

    @Test
    void aPageRangeAcrossPageBoundariesReadsTheRightValues() throws IOException {
        int length = 2 * SnapshotParquet.PAGE_VALUES + 17;
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = i * 0.5;
        }
        Path file = dir.resolve("pages.parquet");
        Files.write(file, SnapshotParquet.write(Snapshot.of(TaskId.of("t"), "dose", 1, 1, values)));
        try (ValuesReader.OpenValues v = new ValuesReader().open(file)) {
            assertThat(v.array()).isNull();
            assertThat(v.length()).isEqualTo(length);
            double[] into = new double[40];
            v.copy(SnapshotParquet.PAGE_VALUES - 20, into, 40);
            for (int j = 0; j < 40; j++) {
                assertThat(into[j]).isEqualTo((SnapshotParquet.PAGE_VALUES - 20 + j) * 0.5);
            }
            v.copy(length - 3, into, 3);
            assertThat(into[2]).isEqualTo((length - 1) * 0.5);
        }
    }

    @Test
    void valuesThatDoNotMatchTheShapeAreRefused() {
        ResultMerger m = new ResultMerger("dose", MergeOp.WEIGHTED_MEAN, ref -> new double[0]);
        Snapshot.SnapshotRef ref = new Snapshot.SnapshotRef(TaskId.of("t"), "dose", 1, 1, new int[] {3});
        assertThatThrownBy(() -> m.accept(ref, SnapshotValues.of(new double[] {1, 2})))
                .isInstanceOf(GyreException.class)
                .hasMessageContaining("shape [3] but 2 values");
    }

    @Test
    void aReadFailingPartWayLeavesTheMergerRefusingFurtherUse() {
        ResultMerger m = new ResultMerger("dose", MergeOp.WEIGHTED_MEAN, ref -> new double[0]);
        int n = 2 * MomentSums.BLOCK;
        SnapshotValues failing = new SnapshotValues() {
            @Override
            public int length() {
                return n;
            }

            @Override
            public void copy(int from, double[] into, int count) {
                if (from > 0) {
                    throw new InvalidSnapshotException("f", 0, "shrank");
                }
            }
        };
        Snapshot.SnapshotRef ref = new Snapshot.SnapshotRef(TaskId.of("t"), "dose", 1, 1, new int[] {n});
        assertThatThrownBy(() -> m.accept(ref, failing)).isInstanceOf(InvalidSnapshotException.class);
        assertThatThrownBy(m::view).isInstanceOf(GyreException.class).hasMessageContaining("rebuild it");
    }
}
