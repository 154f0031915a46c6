package io.gyre.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.TaskId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON and CSV result formats: what they accept, and the exact error for what they do not. */
class SnapshotFilesTest {
    private static SnapshotFile read(String name, String content) {
        return SnapshotFiles.read(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void refused(String name, String content, String message) {
        assertThatThrownBy(() -> read(name, content))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessage(message);
    }

    @Test
    void jsonWithShapeUnitAxesAndWeights() {
        SnapshotFile f = read("dose.json", """
                {"weight": 10000,
                 "results": {
                   "dose": {"values": [1, 2, 3, 4, 5, "NaN"], "shape": [2, 3], "unit": "Gy",
                            "axes": [{"name": "depth", "unit": "mm", "values": [0, 10]},
                                     {"name": "x", "values": [0, 1, 2, 3]}]},
                   "pi": {"values": [3.14], "weight": 40}
                 }}
                """);
        assertThat(f.weight()).isEqualTo(10000);
        NamedArray dose = f.arrays().get(0);
        assertThat(dose.name()).isEqualTo("dose");
        assertThat(dose.shape()).containsExactly(2, 3);
        assertThat(dose.values()).containsExactly(1, 2, 3, 4, 5, Double.NaN);
        assertThat(dose.unit()).isEqualTo("Gy");
        assertThat(dose.axes()).extracting(Axis::name).containsExactly("depth", "x");
        assertThat(dose.axes().get(1).unit()).isNull();
        List<Snapshot> snaps = f.snapshots(TaskId.of("sim[0001]"), 3);
        assertThat(snaps).extracting(Snapshot::weight).containsExactly(10000.0, 40.0);
        assertThat(snaps.get(1).shape()).containsExactly(1);
    }

    @Test
    void jsonWeightDefaultsToOne() {
        assertThat(read("a.json", "{\"results\": {\"a\": {\"values\": []}}}").weight())
                .isEqualTo(1);
    }

    @Test
    void jsonMistakesAreLocated() {
        refused(
                "r.json",
                "{\"results\": {\"d\": {\n\"values\": [1, 2, 3],\n\"shape\": [2, 2]}}}",
                "r.json:3: \"d\".shape [2, 2] holds 4 values but \"values\" has 3");
        refused(
                "r.json",
                "{\"results\": {\"d\": {\"values\": [1,\n null]}}}",
                "r.json:2: \"d\".values[1] is null; write \"NaN\" for a missing value");
        refused(
                "r.json",
                "{\"results\": {\"d\": {\"values\": [1, \"x\"]}}}",
                "r.json:1: \"d\".values[1] is the string \"x\"; only \"NaN\", \"Infinity\" and \"-Infinity\" may be"
                        + " strings");
        refused(
                "r.json",
                "{\"results\": {\"d\": {\"values\": [[1, 2], [3, 4]]}}}",
                "r.json:1: \"d\".values must be a flat list in row-major order; give the dimensions in \"shape\"");
        refused(
                "r.json",
                "{\"weight\": -1, \"results\": {}}",
                "r.json:1: \"weight\" must be a finite number >= 0, not -1");
        refused(
                "r.json",
                "{\"weight\": \"many\"}",
                "r.json:1: \"weight\" must be a number >= 0, such as the number of primaries, not many");
        refused(
                "r.json",
                "{\"wieght\": 3}",
                "r.json:1: unknown field \"wieght\"; the top level has \"weight\" and \"results\"");
        refused(
                "r.json",
                "{\"weight\": 3}",
                "r.json:1: there is no \"results\" object; write {\"results\": {NAME: {\"values\": [...]}}}");
        refused("r.json", "{\"results\": {\"d\": {\"shape\": [1]}}}", "r.json:1: result \"d\" has no \"values\"");
        refused(
                "r.json",
                "{\"results\": {\"../x\": {\"values\": [1]}}}",
                "r.json:1: result name '../x' is not valid; use letters, digits, '_', '-' and '.' (not first), at"
                        + " most 128 characters");
        refused(
                "r.json",
                "{\"results\": {\"d\": {\"values\": [1, 2],\n\"axes\": [{\"name\": \"z\", \"values\": [1, 2,"
                        + " 3, 4]}]}}}",
                "r.json:2: \"d\": axis 'z' has 4 values but dimension 0 has 2 elements; give 2 centres or 3 edges");
        refused(
                "r.json",
                "{\"results\": {\"d\": {\"values\": [1, 2]\n\n}",
                "r.json:3: is not valid JSON:"
                        + " Unexpected end-of-input: expected close marker for Object (start marker at [line: 1,"
                        + " column: 13])");
    }

    @Test
    void csvColumnsWithWeightAndUnitComments() {
        SnapshotFile f = read("tally.csv", """
                # a comment
                # weight: 2500
                # unit.dose: Gy
                dose, count
                1.5,10
                2e-3, 11
                nan,-inf
                """);
        assertThat(f.weight()).isEqualTo(2500);
        assertThat(f.arrays()).extracting(NamedArray::name).containsExactly("dose", "count");
        assertThat(f.arrays().get(0).values()).containsExactly(1.5, 2e-3, Double.NaN);
        assertThat(f.arrays().get(0).unit()).isEqualTo("Gy");
        assertThat(f.arrays().get(1).values()).containsExactly(10, 11, Double.NEGATIVE_INFINITY);
        assertThat(f.arrays().get(1).unit()).isNull();
    }

    @Test
    void csvMistakesAreLocated() {
        refused(
                "t.csv",
                "a,b\n1,2\n3\n",
                "t.csv:3: this row has 1 fields but the header names 2 columns; every row"
                        + " needs a number in every column");
        refused(
                "t.csv",
                "a,b\n1,2\n3,x\n",
                "t.csv:3: column 'b': 'x' is not a number; write decimals like 1.5 or"
                        + " 2e-3 (nan and inf are allowed)");
        refused(
                "t.csv",
                "a\n0x1p3\n",
                "t.csv:2: column 'a': '0x1p3' is not a number; write decimals like 1.5 or"
                        + " 2e-3 (nan and inf are allowed)");
        refused("t.csv", "# weight: lots\na\n1\n", "t.csv:1: '# weight: lots' must give a finite number >= 0");
        refused("t.csv", "a,a\n1,2\n", "t.csv:1: header: column 'a' appears twice");
        refused(
                "t.csv",
                "# only comments\n",
                "t.csv: has no header row; the first line that is not a comment names" + " the columns");
        refused("t.csv", "# unit.b: Gy\na\n1\n", "t.csv:1: unit for 'b', which is not a column [a]");
    }

    @Test
    void anUnknownExtensionSaysWhichOnesWork() {
        refused(
                "out/dose.txt",
                "1 2 3",
                "out/dose.txt: is not a result file Gyre reads; name it NAME.json, NAME.csv"
                        + " or NAME.parquet (see docs/results.md)");
    }

    @Test
    void gyresOwnParquetIsAnInputToo() {
        Snapshot s =
                new Snapshot(TaskId.of("t"), "dose", 1, 25, new int[] {1, 2}, new double[] {1, 2}, "Gy", List.of());
        SnapshotFile f = SnapshotFiles.read("dose.parquet", SnapshotParquet.write(s));
        assertThat(f.weight()).isEqualTo(25);
        assertThat(f.arrays().get(0).shape()).containsExactly(1, 2);
        assertThat(f.arrays().get(0).unit()).isEqualTo("Gy");
    }
}
