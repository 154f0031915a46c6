package io.gyre.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.MergeOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-line form of a merged result that gyre run, gyre results and summary.txt show. */
class ResultsTextTest {
    @Test
    void aScalarShowsItsValueToThePrecisionOfItsError() {
        MergedResult pi = new MergedResult(
                "pi",
                MergeOp.WEIGHTED_MEAN,
                new int[] {1},
                new double[] {3.14159265},
                new double[] {0.00123},
                8,
                1.92e6);
        assertThat(ResultsText.line(pi)).isEqualTo("3.1416 ± 0.0012 (weighted-mean of 8 tasks, weight 1.92e+06)");
    }

    @Test
    void anArrayShowsItsPeakWhereOnItsAxisAndItsError() {
        MergedResult dose = new MergedResult(
                "dose",
                MergeOp.MEAN,
                new int[] {3},
                new double[] {1, 5, 2},
                new double[] {0.1, 0.25, 0.1},
                1,
                7.5,
                "Gy",
                List.of(new Axis("depth", "cm", new double[] {0.25, 0.75, 1.25})));
        assertThat(ResultsText.line(dose))
                .isEqualTo("3 values, peak 5.00 ± 0.25 Gy at depth 0.75 cm (mean of 1 task, weight 7.5)");
    }

    @Test
    void compactNumbersDropTrailingZeros() {
        assertThat(ResultsText.compact(7.25)).isEqualTo("7.25");
        assertThat(ResultsText.compact(960000)).isEqualTo("960000");
        assertThat(ResultsText.compact(1.92e6)).isEqualTo("1.92e+06");
        assertThat(ResultsText.compact(0.5)).isEqualTo("0.5");
    }
}
