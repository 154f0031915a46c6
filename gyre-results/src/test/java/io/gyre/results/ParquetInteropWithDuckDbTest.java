package io.gyre.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.TaskId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gyre's Parquet files against a real peer: DuckDB reads what Gyre writes (values and gyre.* metadata), and Gyre
 * reads what DuckDB writes (optional columns, Snappy and ZSTD, dictionaries, DOUBLE/FLOAT/INTEGER/BIGINT).
 */
class ParquetInteropWithDuckDbTest {
    @TempDir
    Path dir;

    private Connection duck;

    @BeforeEach
    void open() throws SQLException {
        duck = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterEach
    void close() throws SQLException {
        duck.close();
    }

    private ResultSet query(String sql) throws SQLException {
        Statement s = duck.createStatement();
        ResultSet r = s.executeQuery(sql);
        assertThat(r.next()).as(sql).isTrue();
        return r;
    }

    @Test
    void duckDbReadsGyresValuesAndMetadata() throws Exception {
        double[] values = new double[300_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5;
        }
        Snapshot s = new Snapshot(
                TaskId.of("sim[0002]"),
                "dose",
                4,
                1e6,
                new int[] {1000, 300},
                values,
                "Gy",
                List.of(new Axis("depth", "mm", new double[1000]), new Axis("x", "mm", new double[301])));
        for (SnapshotParquet.Codec codec : SnapshotParquet.Codec.values()) {
            for (SnapshotParquet.Layout layout : SnapshotParquet.Layout.values()) {
                Path file = dir.resolve("dose-" + codec + "-" + layout + ".parquet");
                Files.write(file, SnapshotParquet.write(s, codec, layout));
                ResultSet r =
                        query("SELECT count(*), sum(value), min(value), max(value) FROM read_parquet('" + file + "')");
                assertThat(r.getLong(1)).isEqualTo(values.length);
                assertThat(r.getDouble(2)).isEqualTo(0.5 * (values.length - 1.0) * values.length / 2);
                assertThat(r.getDouble(4)).isEqualTo(values[values.length - 1]);
                ResultSet m = query("SELECT decode(value) FROM parquet_kv_metadata('" + file
                        + "') WHERE decode(key) = 'gyre.shape'");
                assertThat(m.getString(1)).isEqualTo("[1000,300]");
            }
        }
        Path merged = dir.resolve("merged.parquet");
        Files.write(
                merged,
                SnapshotParquet.write(new MergedResult(
                        "pi",
                        io.gyre.api.MergeOp.WEIGHTED_MEAN,
                        new int[] {2},
                        new double[] {3.1, 3.2},
                        new double[] {0.1, 0.2},
                        3,
                        30)));
        ResultSet r = query("SELECT sum(value), sum(stderr) FROM read_parquet('" + merged + "')");
        assertThat(r.getDouble(1)).isEqualTo(6.3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.getDouble(2)).isEqualTo(0.3, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void gyreReadsWhatDuckDbWrites() throws Exception {
        for (String codec : List.of("snappy", "zstd", "uncompressed", "gzip")) {
            Path file = dir.resolve("duck-" + codec + ".parquet");
            try (Statement st = duck.createStatement()) {
                st.execute("COPY (SELECT i::DOUBLE / 4 AS d, (i % 7)::DOUBLE AS repeats, i::FLOAT AS f,"
                        + " i::INTEGER AS n, i::BIGINT * 1000000000 AS big FROM range(250000) t(i)) TO '" + file
                        + "' (FORMAT parquet, COMPRESSION " + codec + ", ROW_GROUP_SIZE 100000)");
            }
            SnapshotFile f = SnapshotFiles.read(file);
            assertThat(f.weight()).isEqualTo(1);
            assertThat(f.arrays()).extracting(NamedArray::name).containsExactly("d", "repeats", "f", "n", "big");
            double[] d = f.arrays().get(0).values();
            double[] repeats = f.arrays().get(1).values();
            double[] big = f.arrays().get(4).values();
            assertThat(d).hasSize(250_000);
            for (int i = 0; i < d.length; i += 997) {
                assertThat(d[i]).as(codec).isEqualTo(i / 4.0);
                assertThat(repeats[i]).isEqualTo(i % 7);
                assertThat(f.arrays().get(2).values()[i]).isEqualTo(i);
                assertThat(f.arrays().get(3).values()[i]).isEqualTo(i);
                assertThat(big[i]).isEqualTo(i * 1e9);
            }
        }
    }

    @Test
    void aNullOrAStringColumnIsRefusedWithTheReason() throws Exception {
        Path nulls = dir.resolve("nulls.parquet");
        Path strings = dir.resolve("strings.parquet");
        try (Statement st = duck.createStatement()) {
            st.execute("COPY (SELECT CASE WHEN i = 5 THEN NULL ELSE i::DOUBLE END AS d FROM range(10) t(i)) TO '"
                    + nulls + "' (FORMAT parquet)");
            st.execute("COPY (SELECT 'x' AS label, 1.0::DOUBLE AS d) TO '" + strings + "' (FORMAT parquet)");
        }
        assertThatThrownBy(() -> SnapshotFiles.read(nulls))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessage(nulls + ": column 'd' is null in row 6; write NaN for a missing value");
        assertThatThrownBy(() -> SnapshotFiles.read(strings))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessage(strings + ": column 'label' is BINARY; Gyre reads DOUBLE, FLOAT, INT32 and INT64 columns"
                        + " only: drop or convert it");
    }
}
