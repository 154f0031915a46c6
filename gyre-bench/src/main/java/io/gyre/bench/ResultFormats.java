package io.gyre.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gyre.api.TaskId;
import io.gyre.results.Snapshot;
import io.gyre.results.SnapshotFiles;
import io.gyre.results.SnapshotParquet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One result of 1,000,000 doubles in each format Gyre could store: Parquet (uncompressed, Snappy, ZSTD; PLAIN and
 * BYTE_STREAM_SPLIT), JSON and gzip JSON (what the seed's platform ships today): bytes, and decode time to a
 * {@code double[]} (median of 5 after 2 warm-ups). Also the first use of Gyre's Parquet code in a fresh JVM, and
 * DuckDB JDBC reading the same file, for the library decision (docs/adr/0008-parquet-library.md).
 *
 * <pre>ResultFormats TMPDIR [--length 1000000]</pre>
 */
public final class ResultFormats {
    private ResultFormats() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int length = MergeThroughput.intOpt(args, "--length", 1_000_000);
        double[] values = MergeThroughput.values(0, length);
        Snapshot s = Snapshot.of(TaskId.of("replica-0"), "dose", 1, 1000, values);

        long t0 = System.nanoTime();
        byte[] first = SnapshotParquet.write(s);
        double[] back = SnapshotParquet.readValues(first, "first");
        double firstMs = (System.nanoTime() - t0) / 1e6;
        check(values, back);
        Results.result("formats.parquet.first_use_ms", firstMs, "ms");

        for (SnapshotParquet.Codec codec : SnapshotParquet.Codec.values()) {
            for (SnapshotParquet.Layout layout : SnapshotParquet.Layout.values()) {
                byte[] file = SnapshotParquet.write(s, codec, layout);
                double encode = median(() -> SnapshotParquet.write(s, codec, layout));
                double decode = median(() -> check(values, SnapshotParquet.readValues(file, "f")));
                String key = "formats.parquet." + codec.name().toLowerCase(Locale.ROOT) + "."
                        + layout.name().toLowerCase(Locale.ROOT);
                Results.result(key + ".bytes", file.length, "B");
                Results.result(key + ".encode_ms", encode, "ms");
                Results.result(key + ".decode_ms", decode, "ms");
            }
        }

        byte[] json = json(values);
        byte[] gz = gzip(json);
        Results.result("formats.json.bytes", json.length, "B");
        Results.result("formats.json.decode_ms", median(() -> check(values, readJson(json))), "ms");
        Results.result("formats.json_gzip.bytes", gz.length, "B");
        Results.result("formats.json_gzip.encode_ms", median(() -> gzip(json(values))), "ms");
        Results.result("formats.json_gzip.decode_ms", median(() -> check(values, readJson(gunzip(gz)))), "ms");

        Path parquet = dir.resolve("dose.parquet");
        Files.write(parquet, SnapshotParquet.write(s));
        long d0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            double[] duck = duckRead(c, parquet, length);
            Results.result("formats.duckdb.first_use_ms", (System.nanoTime() - d0) / 1e6, "ms");
            check(values, duck);
            Results.result("formats.duckdb.decode_ms", median(() -> check(values, duckRead(c, parquet, length))), "ms");
            Results.result("formats.duckdb.sum_ms", median(() -> duckSum(c, parquet)), "ms");
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static double median(Work w) throws Exception {
        for (int i = 0; i < 2; i++) {
            w.run();
        }
        double[] ms = new double[5];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            w.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return Results.median(ms);
    }

    private static void check(double[] expected, double[] actual) {
        if (!Arrays.equals(expected, actual)) {
            throw new IllegalStateException("decoded values differ");
        }
    }

    private static byte[] json(double[] values) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(values.length * 20);
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("weight", 1000);
            g.writeObjectFieldStart("results");
            g.writeObjectFieldStart("dose");
            g.writeArrayFieldStart("values");
            for (double v : values) {
                g.writeNumber(v);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static double[] readJson(byte[] json) {
        return SnapshotFiles.read("dose.json", json).arrays().get(0).values();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 2);
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 1 << 16)) {
            return in.readAllBytes();
        }
    }

    private static double[] duckRead(Connection c, Path file, int length) throws Exception {
        double[] out = new double[length];
        try (Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT value FROM read_parquet('" + file + "')")) {
            int i = 0;
            while (r.next()) {
                out[i++] = r.getDouble(1);
            }
        }
        return out;
    }

    private static void duckSum(Connection c, Path file) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT sum(value) FROM read_parquet('" + file + "')")) {
            r.next();
        }
    }
}
