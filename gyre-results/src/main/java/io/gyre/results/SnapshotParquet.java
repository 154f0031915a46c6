package io.gyre.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gyre.api.MergeOp;
import io.gyre.api.TaskId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.jspecify.annotations.Nullable;

/**
 * Gyre's Parquet form of snapshots and merged results, written and read with parquet-java's column-level API
 * (no Hadoop, no Avro; see docs/adr/0008-parquet-library.md).
 *
 * <p>The schema (docs/results.md): one row per value in row-major (C) order; a required DOUBLE column
 * {@code value} and, for merged means, a required DOUBLE column {@code stderr}; one row group; pages of 131,072
 * values, PLAIN encoded (or BYTE_STREAM_SPLIT). Everything else is in the file's key-value metadata under
 * {@code gyre.*} keys: {@code gyre.format} (1), {@code gyre.kind} (snapshot or merged), {@code gyre.name},
 * {@code gyre.shape} (a JSON array), {@code gyre.weight}, and when known {@code gyre.unit}, {@code gyre.axes} (a
 * JSON array of {name, unit, values}), {@code gyre.task}, {@code gyre.seq}, {@code gyre.op},
 * {@code gyre.contributors}.
 *
 * <p>Reading is {@link ParquetColumns}: Gyre's own files take a fast path (PLAIN pages copied straight into the
 * {@code double[]}); any other numeric Parquet file is read value by value through parquet-java's column
 * readers.
 */
public final class SnapshotParquet {
    /** The page compression codec. Uncompressed is the default: doubles from simulations hardly compress. */
    public enum Codec {
        UNCOMPRESSED,
        SNAPPY,
        ZSTD;

        CompressionCodecName parquet() {
            return CompressionCodecName.valueOf(name());
        }
    }

    /** How the values of a page are laid out: PLAIN (the default) or BYTE_STREAM_SPLIT (compresses better). */
    public enum Layout {
        PLAIN,
        BYTE_STREAM_SPLIT
    }

    static final int PAGE_VALUES = 131_072;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CREATED_BY = "gyre";

    private SnapshotParquet() {}

    /** A snapshot as an uncompressed, PLAIN encoded Parquet file. */
    public static byte[] write(Snapshot s) {
        return write(s, Codec.UNCOMPRESSED, Layout.PLAIN);
    }

    /** A snapshot as a Parquet file with the given codec and layout. */
    public static byte[] write(Snapshot s, Codec codec, Layout layout) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("gyre.format", "1");
        meta.put("gyre.kind", "snapshot");
        meta.put("gyre.name", s.name());
        meta.put("gyre.shape", shapeJson(s.shape()));
        meta.put("gyre.weight", Double.toString(s.weight()));
        putUnitAndAxes(meta, s.unit(), s.axes());
        meta.put("gyre.task", s.task().toString());
        meta.put("gyre.seq", Long.toString(s.seq()));
        return encode(List.of(s.values()), List.of("value"), meta, codec, layout);
    }

    /** A merged result as an uncompressed Parquet file, with a {@code stderr} column for means. */
    public static byte[] write(MergedResult r) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("gyre.format", "1");
        meta.put("gyre.kind", "merged");
        meta.put("gyre.name", r.name());
        meta.put("gyre.shape", shapeJson(r.shape()));
        meta.put("gyre.weight", Double.toString(r.weight()));
        putUnitAndAxes(meta, r.unit(), r.axes());
        meta.put("gyre.op", r.op().wireName());
        meta.put("gyre.contributors", Integer.toString(r.contributors()));
        boolean withStderr = r.stderr().length == r.values().length && r.values().length > 0
                || r.op() == MergeOp.MEAN
                || r.op() == MergeOp.WEIGHTED_MEAN;
        return withStderr
                ? encode(
                        List.of(r.values(), r.stderr()),
                        List.of("value", "stderr"),
                        meta,
                        Codec.UNCOMPRESSED,
                        Layout.PLAIN)
                : encode(List.of(r.values()), List.of("value"), meta, Codec.UNCOMPRESSED, Layout.PLAIN);
    }

    /**
     * The {@code value} column of a Gyre snapshot file: what a merger needs to take an older contribution back.
     *
     * @param source names the file in error messages
     */
    public static double[] readValues(byte[] parquet, String source) {
        return new ParquetColumns(parquet, source).column("value");
    }

    /**
     * The {@code value} column of a Gyre snapshot file on disk. The file is read whole into the heap: for files
     * of a few MB that is faster than a memory mapping, whose page faults cost more than the copy (measured in
     * docs/adr/0008-parquet-library.md).
     */
    public static double[] readValues(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidSnapshotException(file.toString(), "cannot be read (" + e + ")", e);
        }
        return readValues(bytes, file.toString());
    }

    /** A snapshot Gyre wrote, with its metadata. */
    public static Snapshot readSnapshot(byte[] parquet, String source) {
        try {
            return snapshot(parquet, source);
        } catch (IllegalArgumentException e) { // a malformed number in the metadata, or an inconsistent snapshot
            throw new InvalidSnapshotException(source, 0, "has invalid gyre.* metadata: " + e.getMessage());
        }
    }

    private static Snapshot snapshot(byte[] parquet, String source) {
        Decoded d = decode(parquet, source);
        Map<String, String> m = d.meta;
        String name = required(m, "gyre.name", source);
        double[] values = d.column("value", source);
        return new Snapshot(
                TaskId.of(required(m, "gyre.task", source)),
                name,
                Long.parseLong(required(m, "gyre.seq", source)),
                Double.parseDouble(m.getOrDefault("gyre.weight", "1")),
                shape(m, values.length, source),
                values,
                m.get("gyre.unit"),
                axes(m, source));
    }

    /** A merged result Gyre wrote, with its metadata. */
    public static MergedResult readMerged(byte[] parquet, String source) {
        try {
            return merged(parquet, source);
        } catch (IllegalArgumentException e) { // a malformed number or op in the metadata
            throw new InvalidSnapshotException(source, 0, "has invalid gyre.* metadata: " + e.getMessage());
        }
    }

    private static MergedResult merged(byte[] parquet, String source) {
        Decoded d = decode(parquet, source);
        Map<String, String> m = d.meta;
        double[] values = d.column("value", source);
        double[] stderr = d.columns.containsKey("stderr") ? d.column("stderr", source) : new double[0];
        MergeOp op = MergeOp.parse(required(m, "gyre.op", source));
        return new MergedResult(
                required(m, "gyre.name", source),
                op,
                shape(m, values.length, source),
                values,
                stderr,
                Integer.parseInt(m.getOrDefault("gyre.contributors", "0")),
                Double.parseDouble(m.getOrDefault("gyre.weight", "0")),
                m.get("gyre.unit"),
                axes(m, source));
    }

    /**
     * Any Parquet file a task published: a Gyre snapshot becomes one named array with its shape, unit and axes;
     * any other file of plain numeric columns becomes one 1-D array per column. The weight comes from the
     * {@code gyre.weight} metadata key when there is one, else 1.
     */
    static SnapshotFile readFile(byte[] parquet, String source) {
        Decoded d = decode(parquet, source);
        Map<String, String> m = d.meta;
        double weight = 1;
        String w = m.get("gyre.weight");
        if (w != null) {
            try {
                weight = Double.parseDouble(w);
            } catch (NumberFormatException e) {
                weight = Double.NaN;
            }
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new InvalidSnapshotException(source, 0, "gyre.weight " + w + " is not a finite number >= 0");
            }
        }
        String name = m.get("gyre.name");
        if (name != null) {
            if (!SnapshotFiles.isValidName(name)) {
                throw new InvalidSnapshotException(source, 0, "gyre.name: " + SnapshotFiles.nameProblem(name));
            }
            double[] values = d.column("value", source);
            return new SnapshotFile(
                    weight,
                    List.of(new NamedArray(
                            name, shape(m, values.length, source), values, m.get("gyre.unit"), axes(m, source))));
        }
        List<NamedArray> arrays = new ArrayList<>();
        for (Map.Entry<String, double[]> column : d.columns.entrySet()) {
            String c = column.getKey();
            if (c.startsWith("__index_level_")) {
                continue; // pandas writes its row index as such a column: not a result
            }
            if (!SnapshotFiles.isValidName(c)) {
                throw new InvalidSnapshotException(source, 0, "column " + SnapshotFiles.nameProblem(c));
            }
            arrays.add(NamedArray.of(c, column.getValue()));
        }
        return new SnapshotFile(weight, arrays);
    }

    // --- encoding ----------------------------------------------------------------------------------------------

    private static byte[] encode(
            List<double[]> columns, List<String> names, Map<String, String> meta, Codec codec, Layout layout) {
        Types.MessageTypeBuilder builder = Types.buildMessage();
        for (String n : names) {
            builder.required(PrimitiveTypeName.DOUBLE).named(n);
        }
        MessageType schema = builder.named("gyre_result");
        int rows = columns.get(0).length;
        InMemoryParquetFiles.Sink sink = new InMemoryParquetFiles.Sink();
        BytesInputCompressor compressor = PureJavaCodecs.INSTANCE.getCompressor(codec.parquet());
        Encoding encoding = layout == Layout.PLAIN ? Encoding.PLAIN : Encoding.BYTE_STREAM_SPLIT;
        try {
            ParquetFileWriter writer =
                    new ParquetFileWriter(sink, schema, ParquetFileWriter.Mode.OVERWRITE, 128L << 20, 0);
            writer.start();
            if (rows == 0) { // parquet-java refuses an empty row group: an empty result is a file without one
                writer.end(meta);
                return sink.toByteArray();
            }
            writer.startBlock(rows);
            for (int c = 0; c < columns.size(); c++) {
                ColumnDescriptor descriptor = schema.getColumns().get(c);
                PrimitiveType type = descriptor.getPrimitiveType();
                double[] values = columns.get(c);
                writer.startColumn(descriptor, rows, codec.parquet());
                for (int from = 0; from < rows; from += PAGE_VALUES) {
                    int count = Math.min(PAGE_VALUES, rows - from);
                    byte[] page = layout == Layout.PLAIN
                            ? plain(values, from, count)
                            : ParquetPages.splitDoubles(values, from, count);
                    Statistics<?> stats = Statistics.createStats(type);
                    for (int i = from; i < from + count; i++) {
                        stats.updateStats(values[i]);
                    }
                    BytesInput compressed = compressor.compress(BytesInput.from(page));
                    writer.writeDataPage(
                            count,
                            page.length,
                            compressed,
                            stats,
                            count,
                            Encoding.BIT_PACKED,
                            Encoding.BIT_PACKED,
                            encoding);
                }
                writer.endColumn();
            }
            writer.endBlock();
            writer.end(meta);
        } catch (IOException e) {
            throw new IllegalStateException("writing Parquet to memory failed", e);
        }
        return sink.toByteArray();
    }

    private static byte[] plain(double[] values, int from, int count) {
        byte[] page = new byte[count * Double.BYTES];
        ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(values, from, count);
        return page;
    }

    private static String shapeJson(int[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return b.append(']').toString();
    }

    private static void putUnitAndAxes(Map<String, String> meta, @Nullable String unit, List<Axis> axes) {
        if (unit != null) {
            meta.put("gyre.unit", unit);
        }
        if (!axes.isEmpty()) {
            ArrayNode list = JSON.createArrayNode();
            for (Axis a : axes) {
                ObjectNode o = list.addObject().put("name", a.name());
                if (a.unit() != null) {
                    o.put("unit", a.unit());
                }
                ArrayNode v = o.putArray("values");
                for (double x : a.values()) {
                    if (Double.isFinite(x)) {
                        v.add(x);
                    } else {
                        v.add(Double.toString(x));
                    }
                }
            }
            meta.put("gyre.axes", list.toString());
        }
    }

    // --- decoding ----------------------------------------------------------------------------------------------

    private record Decoded(Map<String, String> meta, Map<String, double[]> columns) {
        double[] column(String name, String source) {
            double[] v = columns.get(name);
            if (v == null) {
                throw new InvalidSnapshotException(
                        source, 0, "has no '" + name + "' column; it is not a result Gyre wrote");
            }
            return v;
        }
    }

    private static Decoded decode(byte[] parquet, String source) {
        ParquetColumns file = new ParquetColumns(parquet, source);
        return new Decoded(file.metadata(), file.all());
    }

    private static String required(Map<String, String> meta, String key, String source) {
        String v = meta.get(key);
        if (v == null) {
            throw new InvalidSnapshotException(
                    source, 0, "has no '" + key + "' metadata; it is not a result Gyre wrote");
        }
        return v;
    }

    private static int[] shape(Map<String, String> meta, int length, String source) {
        String text = meta.get("gyre.shape");
        if (text == null) {
            return new int[] {length};
        }
        try {
            JsonNode node = JSON.readTree(text);
            int[] shape = new int[node.size()];
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = node.get(i).asInt(-1);
                if (shape[i] < 0) {
                    throw new InvalidSnapshotException(source, 0, "gyre.shape " + text + " is not a list of sizes");
                }
                n *= shape[i];
            }
            if (n != length) {
                throw new InvalidSnapshotException(
                        source, 0, "gyre.shape " + text + " holds " + n + " values but the file has " + length);
            }
            return shape;
        } catch (JsonProcessingException e) {
            throw new InvalidSnapshotException(source, 0, "gyre.shape " + text + " is not a JSON list of sizes");
        }
    }

    private static List<Axis> axes(Map<String, String> meta, String source) {
        String text = meta.get("gyre.axes");
        if (text == null) {
            return List.of();
        }
        try {
            List<Axis> axes = new ArrayList<>();
            for (JsonNode a : JSON.readTree(text)) {
                JsonNode values = a.path("values");
                double[] v = new double[values.size()];
                for (int i = 0; i < v.length; i++) {
                    JsonNode x = values.get(i);
                    v[i] = x.isTextual() ? Double.parseDouble(x.asText()) : x.asDouble();
                }
                JsonNode unit = a.get("unit");
                axes.add(new Axis(a.path("name").asText(), unit == null ? null : unit.asText(), v));
            }
            return axes;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new InvalidSnapshotException(source, 0, "gyre.axes is not a JSON list of axes: " + e.getMessage());
        }
    }
}
