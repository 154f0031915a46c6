package io.gyre.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.MergeOp;
import io.gyre.api.TaskId;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Gyre's Parquet form: values, shape and metadata survive a round trip, with every codec and layout. */
class SnapshotParquetRoundTripTest {
    private static double[] randomValues(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian() * 1e3;
        }
        return v;
    }

    @Test
    void aSnapshotWithUnitAndAxesComesBackWhole() {
        double[] values = {1, 2, 3, Double.NaN, Double.POSITIVE_INFINITY, -0.0};
        Snapshot s = new Snapshot(
                TaskId.of("sim[0003]"),
                "dose",
                7,
                10_000,
                new int[] {2, 3},
                values,
                "Gy",
                List.of(new Axis("depth", "mm", new double[] {0, 5, 10}), new Axis("x", null, new double[] {0, 1, 2, 3
                })));
        Snapshot back = SnapshotParquet.readSnapshot(SnapshotParquet.write(s), "dose.parquet");
        assertThat(back.task()).isEqualTo(s.task());
        assertThat(back.name()).isEqualTo("dose");
        assertThat(back.seq()).isEqualTo(7);
        assertThat(back.weight()).isEqualTo(10_000);
        assertThat(back.shape()).containsExactly(2, 3);
        assertThat(back.values()).containsExactly(values);
        assertThat(back.unit()).isEqualTo("Gy");
        assertThat(back.axes()).isEqualTo(s.axes());
    }

    @Test
    void everyCodecAndLayoutRoundTripsManyPages() {
        double[] values = randomValues(SnapshotParquet.PAGE_VALUES * 2 + 17, 42);
        Snapshot s = Snapshot.of(TaskId.of("t"), "r", 1, 1, values);
        for (SnapshotParquet.Codec codec : SnapshotParquet.Codec.values()) {
            for (SnapshotParquet.Layout layout : SnapshotParquet.Layout.values()) {
                byte[] file = SnapshotParquet.write(s, codec, layout);
                assertThat(SnapshotParquet.readValues(file, "f"))
                        .as("%s %s", codec, layout)
                        .isEqualTo(values); // containsExactly is quadratic on 262,161 values
                assertThat(SnapshotParquet.readSnapshot(file, "f").values()).isEqualTo(values);
            }
        }
    }

    @Test
    void aValuesReaderFillsTheGivenArrayWhenItFits(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        double[] values = randomValues(1000, 7);
        java.nio.file.Path big = dir.resolve("big.parquet");
        java.nio.file.Path small = dir.resolve("small.parquet");
        java.nio.file.Files.write(big, SnapshotParquet.write(Snapshot.of(TaskId.of("t"), "r", 1, 1, values)));
        java.nio.file.Files.write(small, SnapshotParquet.write(Snapshot.of(TaskId.of("t"), "r", 2, 1, 1, 2)));
        ValuesReader reader = new ValuesReader();
        double[] into = new double[1000];
        assertThat(reader.read(big, into)).isSameAs(into).isEqualTo(values);
        assertThat(reader.read(small, into)).isNotSameAs(into).containsExactly(1, 2);
        assertThat(reader.read(big, into)).isSameAs(into).isEqualTo(values);
    }

    @Test
    void anEmptyResultRoundTrips() {
        Snapshot s = new Snapshot(TaskId.of("t"), "r", 1, 0, new int[] {0}, new double[0]);
        assertThat(SnapshotParquet.readSnapshot(SnapshotParquet.write(s), "f").values())
                .isEmpty();
    }

    @Test
    void aMergedMeanKeepsItsStandardErrorsAndCounts() {
        MergedResult r = new MergedResult(
                "pi",
                MergeOp.WEIGHTED_MEAN,
                new int[] {1},
                new double[] {3.14},
                new double[] {0.01},
                4,
                400.0,
                null,
                List.of());
        MergedResult back = SnapshotParquet.readMerged(SnapshotParquet.write(r), "pi.parquet");
        assertThat(back.values()).containsExactly(3.14);
        assertThat(back.stderr()).containsExactly(0.01);
        assertThat(back.op()).isEqualTo(MergeOp.WEIGHTED_MEAN);
        assertThat(back.contributors()).isEqualTo(4);
        assertThat(back.weight()).isEqualTo(400.0);
        assertThat(back.unit()).isNull();
    }

    @Test
    void aMergedMaxHasNoStandardErrorColumn() {
        MergedResult r =
                new MergedResult("peak", MergeOp.MAX, new int[] {2}, new double[] {5, 6}, new double[0], 2, 2.0);
        MergedResult back = SnapshotParquet.readMerged(SnapshotParquet.write(r), "peak.parquet");
        assertThat(back.values()).containsExactly(5, 6);
        assertThat(back.stderr()).isEmpty();
        assertThat(back.op()).isEqualTo(MergeOp.MAX);
    }

    @Test
    void bytesThatAreNotParquetSayWhichFile() {
        assertThatThrownBy(() -> SnapshotParquet.readValues("not parquet".getBytes(), "results/x.parquet"))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessage("results/x.parquet: is not a Parquet file (it does not start and end with PAR1)");
    }
}
