package io.gyre.results;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.jspecify.annotations.Nullable;

/**
 * Reads the numeric columns of a Parquet file held in memory into {@code double[]}s, without Hadoop.
 *
 * <p>parquet-java's {@code ParquetFileReader} cannot be built without Hadoop on the class path (its read options
 * construct a Hadoop configuration), so this class walks the file itself: the footer through parquet-java's
 * {@code ParquetMetadataConverter}, each column chunk's pages through parquet-format's {@code Util.readPageHeader},
 * and decompression through {@link PureJavaCodecs}. A required DOUBLE column whose pages are PLAIN or
 * BYTE_STREAM_SPLIT (what Gyre writes) is copied straight from the file's bytes into the array; anything else
 * (dictionaries, optional columns with definition levels, FLOAT/INT32/INT64, as DuckDB, pandas or Polars write)
 * goes through parquet-java's own column readers over the same pages.
 */
final class ParquetColumns {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    /** The whole file, position 0 at its first byte: a heap buffer or a mapped file. */
    private final ByteBuffer file;

    private final String source;
    private final ParquetMetadata footer;

    ParquetColumns(byte[] file, String source) {
        this(ByteBuffer.wrap(file), source);
    }

    ParquetColumns(ByteBuffer file, String source) {
        this.file = file.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        int n = this.file.limit();
        if (n < 12 || !magicAt(0) || !magicAt(n - 4)) {
            throw new InvalidSnapshotException(
                    source, 0, "is not a Parquet file (it does not start and end with PAR1)");
        }
        int length = this.file.getInt(n - 8);
        if (length <= 0 || length > n - 12) {
            throw new InvalidSnapshotException(
                    source, 0, "is not a readable Parquet file (footer length " + length + ")");
        }
        try {
            footer = new ParquetMetadataConverter()
                    .readParquetMetadata(stream(n - 8 - length, length), ParquetMetadataConverter.NO_FILTER);
        } catch (IOException | RuntimeException e) {
            throw new InvalidSnapshotException(source, "is not a readable Parquet file (" + e.getMessage() + ")", e);
        }
    }

    private boolean magicAt(int at) {
        for (int i = 0; i < 4; i++) {
            if (file.get(at + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code length} bytes of the file from {@code at}, without copying. */
    private ByteBuffer slice(int at, int length) {
        return file.slice(at, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBufferStream stream(int at, int length) {
        return new ByteBufferStream(slice(at, length));
    }

    /** An input stream over a buffer that tells how far it got. */
    private static final class ByteBufferStream extends InputStream {
        private final ByteBuffer buffer;

        ByteBufferStream(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public int read() {
            return buffer.hasRemaining() ? buffer.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (!buffer.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            return buffer.remaining();
        }
    }

    Map<String, String> metadata() {
        return footer.getFileMetaData().getKeyValueMetaData();
    }

    MessageType schema() {
        return footer.getFileMetaData().getSchema();
    }

    long rows() {
        long rows = 0;
        for (BlockMetaData b : footer.getBlocks()) {
            rows += b.getRowCount();
        }
        return rows;
    }

    /** Every top-level column, which must all be flat numeric ones, by name in file order. */
    Map<String, double[]> all() {
        List<String> names = new ArrayList<>();
        for (Type field : schema().getFields()) {
            if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
                throw new InvalidSnapshotException(
                        source,
                        0,
                        "column '" + field.getName() + "' is nested or repeated; write one flat numeric column per"
                                + " result");
            }
            PrimitiveTypeName t = field.asPrimitiveType().getPrimitiveTypeName();
            switch (t) {
                case DOUBLE, FLOAT, INT32, INT64 -> names.add(field.getName());
                case BOOLEAN, BINARY, FIXED_LEN_BYTE_ARRAY, INT96 ->
                    throw new InvalidSnapshotException(
                            source,
                            0,
                            "column '" + field.getName() + "' is " + t + "; Gyre reads DOUBLE, FLOAT, INT32 and INT64"
                                    + " columns only: drop or convert it");
            }
        }
        if (names.isEmpty()) {
            throw new InvalidSnapshotException(source, 0, "has no columns");
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String name : names) {
            out.put(name, column(name));
        }
        return out;
    }

    /** Whether the file has a top-level column of that name. */
    boolean has(String name) {
        return schema().containsField(name);
    }

    /** One column's values (converted to double), all row groups one after another. */
    double[] column(String name) {
        return column(name, null);
    }

    /** Like {@link #column(String)}, into {@code into} when it has exactly the right length. */
    double[] column(String name, double @Nullable [] into) {
        if (!has(name)) {
            throw new InvalidSnapshotException(
                    source, 0, "has no '" + name + "' column; it is not a result Gyre wrote");
        }
        MessageType schema = schema();
        ColumnDescriptor col = schema.getColumnDescription(new String[] {name});
        long rows = rows();
        if (rows > Integer.MAX_VALUE - 8) {
            throw new InvalidSnapshotException(source, 0, "has " + rows + " rows, more than one array can hold");
        }
        double[] out = into != null && into.length == rows ? into : new double[(int) rows];
        int at = 0;
        try {
            for (BlockMetaData block : footer.getBlocks()) {
                int n = Math.toIntExact(block.getRowCount());
                ColumnChunkMetaData chunk = chunk(block, col);
                Pages pages = new Pages(chunk, col);
                if (!pages.copyPlainDoubles(out, at, n)) {
                    PageReadStore store = new OneColumn(pages.reset(), n);
                    ColumnReader reader = new ColumnReadStoreImpl(
                                    store,
                                    new IgnoringConverter(schema),
                                    schema,
                                    footer.getFileMetaData().getCreatedBy())
                            .getColumnReader(col);
                    readValueByValue(reader, col, out, at, n);
                }
                at += n;
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidSnapshotException ise) {
                throw ise;
            }
            throw new InvalidSnapshotException(
                    source, "column '" + name + "' cannot be read (" + e.getMessage() + ")", e);
        }
        return out;
    }

    private ColumnChunkMetaData chunk(BlockMetaData block, ColumnDescriptor col) throws IOException {
        for (ColumnChunkMetaData c : block.getColumns()) {
            if (Arrays.equals(c.getPath().toArray(), col.getPath())) {
                return c;
            }
        }
        throw new IOException("a row group lacks column " + Arrays.toString(col.getPath()));
    }

    private void readValueByValue(ColumnReader reader, ColumnDescriptor col, double[] out, int at, int n) {
        int maxDef = col.getMaxDefinitionLevel();
        PrimitiveTypeName type = col.getPrimitiveType().getPrimitiveTypeName();
        String name = col.getPath()[0];
        for (int i = 0; i < n; i++) {
            if (reader.getCurrentDefinitionLevel() != maxDef) {
                throw new InvalidSnapshotException(
                        source,
                        0,
                        "column '" + name + "' is null in row " + (at + i + 1) + "; write NaN for a missing value");
            }
            out[at + i] = switch (type) {
                case DOUBLE -> reader.getDouble();
                case FLOAT -> reader.getFloat();
                case INT32 -> reader.getInteger();
                case INT64 -> reader.getLong();
                case BOOLEAN, BINARY, FIXED_LEN_BYTE_ARRAY, INT96 -> throw new AssertionError(type);
            };
            reader.consume();
        }
    }

    /**
     * The pages of one column chunk, read from the file's bytes in order. The Thrift classes mark every getter
     * nullable; a header missing a required field fails with a runtime exception that {@link #column} reports.
     */
    @SuppressWarnings("NullAway")
    private final class Pages implements PageReader {
        private final ColumnChunkMetaData chunk;
        private final ColumnDescriptor col;
        private final BytesInputDecompressor decompressor;
        private int pos;
        private final int end;
        private @Nullable DictionaryPage dictionary;
        private @Nullable PageHeader pending;

        Pages(ColumnChunkMetaData chunk, ColumnDescriptor col) {
            this.chunk = chunk;
            this.col = col;
            this.decompressor = PureJavaCodecs.INSTANCE.getDecompressor(chunk.getCodec());
            this.pos = Math.toIntExact(chunk.getStartingPos());
            this.end = Math.toIntExact(chunk.getStartingPos() + chunk.getTotalSize());
        }

        Pages reset() {
            return new Pages(chunk, col);
        }

        private @Nullable PageHeader nextHeader() throws IOException {
            if (pending != null) {
                PageHeader h = pending;
                pending = null;
                return h;
            }
            if (pos >= end) {
                return null;
            }
            ByteBufferStream in = stream(pos, end - pos);
            PageHeader h = Util.readPageHeader(in);
            pos = end - in.available();
            return h;
        }

        private BytesInput body(PageHeader h) {
            int size = h.getCompressed_page_size();
            if (pos + size > end) {
                throw new IllegalStateException("a page runs past the end of its column chunk");
            }
            BytesInput b = BytesInput.from(slice(pos, size));
            pos += size;
            return b;
        }

        /** A data page's value bytes, decompressed; without copying when the chunk is uncompressed. */
        private ByteBuffer values(PageHeader h, int skip) throws IOException {
            int size = h.getCompressed_page_size();
            if (pos + size > end) {
                throw new IllegalStateException("a page runs past the end of its column chunk");
            }
            ByteBuffer raw = slice(pos + skip, size - skip);
            pos += size;
            if (chunk.getCodec() == CompressionCodecName.UNCOMPRESSED) {
                return raw;
            }
            byte[] out = PureJavaCodecs.decompress(chunk.getCodec(), raw, h.getUncompressed_page_size() - skip);
            return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Copies a required DOUBLE column of PLAIN / BYTE_STREAM_SPLIT pages; false (nothing read) otherwise. */
        boolean copyPlainDoubles(double[] out, int at, int n) throws IOException {
            if (col.getPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.DOUBLE
                    || col.getMaxDefinitionLevel() != 0
                    || col.getMaxRepetitionLevel() != 0
                    || chunk.hasDictionaryPage()) {
                return false;
            }
            int filled = at;
            PageHeader h;
            while ((h = nextHeader()) != null) {
                Encoding encoding;
                int count;
                ByteBuffer values;
                switch (h.getType()) {
                    case DATA_PAGE -> {
                        DataPageHeader d = h.getData_page_header();
                        encoding = ParquetPages.encoding(d.getEncoding());
                        count = d.getNum_values();
                        values = values(h, 0);
                    }
                    case DATA_PAGE_V2 -> {
                        DataPageHeaderV2 d = h.getData_page_header_v2();
                        encoding = ParquetPages.encoding(d.getEncoding());
                        count = d.getNum_values();
                        int levels = d.getRepetition_levels_byte_length() + d.getDefinition_levels_byte_length();
                        if (d.isIs_compressed()) {
                            values = values(h, levels);
                        } else {
                            values = slice(pos + levels, h.getCompressed_page_size() - levels);
                            pos += h.getCompressed_page_size();
                        }
                    }
                    case DICTIONARY_PAGE, INDEX_PAGE -> {
                        body(h);
                        continue;
                    }
                    default -> throw new IOException("unknown page type " + h.getType());
                }
                if (encoding != Encoding.PLAIN && encoding != Encoding.BYTE_STREAM_SPLIT) {
                    return false; // nothing was written to out past 'filled' that the slow path won't overwrite
                }
                if (filled + count > at + n) {
                    throw new IOException("pages hold more values than the row group's " + n + " rows");
                }
                if (values.remaining() < count * Double.BYTES) {
                    throw new IOException("a page of " + count + " doubles holds " + values.remaining() + " bytes");
                }
                if (encoding == Encoding.PLAIN) {
                    values.asDoubleBuffer().get(out, filled, count);
                } else {
                    ParquetPages.unsplitDoubles(values, out, filled, count);
                }
                filled += count;
            }
            if (filled != at + n) {
                throw new IOException("pages hold " + (filled - at) + " values, the row group " + n + " rows");
            }
            return true;
        }

        @Override
        public @Nullable DictionaryPage readDictionaryPage() {
            try {
                if (dictionary == null && chunk.hasDictionaryPage()) {
                    PageHeader h = nextHeader();
                    if (h != null && h.getType() == org.apache.parquet.format.PageType.DICTIONARY_PAGE) {
                        DictionaryPageHeader d = h.getDictionary_page_header();
                        dictionary = new DictionaryPage(
                                decompressor.decompress(body(h), h.getUncompressed_page_size()),
                                h.getUncompressed_page_size(),
                                d.getNum_values(),
                                ParquetPages.encoding(d.getEncoding()));
                    } else {
                        pending = h;
                    }
                }
                return dictionary;
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        @Override
        public long getTotalValueCount() {
            return chunk.getValueCount();
        }

        @Override
        public @Nullable DataPage readPage() {
            try {
                PageHeader h;
                while ((h = nextHeader()) != null) {
                    switch (h.getType()) {
                        case DATA_PAGE -> {
                            DataPageHeader d = h.getData_page_header();
                            return new DataPageV1(
                                    decompressor.decompress(body(h), h.getUncompressed_page_size()),
                                    d.getNum_values(),
                                    h.getUncompressed_page_size(),
                                    Statistics.createStats(col.getPrimitiveType()),
                                    ParquetPages.encoding(d.getRepetition_level_encoding()),
                                    ParquetPages.encoding(d.getDefinition_level_encoding()),
                                    ParquetPages.encoding(d.getEncoding()));
                        }
                        case DATA_PAGE_V2 -> {
                            DataPageHeaderV2 d = h.getData_page_header_v2();
                            ByteBuffer all = slice(pos, h.getCompressed_page_size());
                            pos += h.getCompressed_page_size();
                            int rl = d.getRepetition_levels_byte_length();
                            int dl = d.getDefinition_levels_byte_length();
                            int start = all.position();
                            BytesInput rep = BytesInput.from(all.duplicate()
                                    .position(start)
                                    .limit(start + rl)
                                    .slice());
                            BytesInput def = BytesInput.from(all.duplicate()
                                    .position(start + rl)
                                    .limit(start + rl + dl)
                                    .slice());
                            BytesInput data = BytesInput.from(
                                    all.duplicate().position(start + rl + dl).slice());
                            if (d.isIs_compressed()) {
                                data = decompressor.decompress(data, h.getUncompressed_page_size() - rl - dl);
                            }
                            return DataPageV2.uncompressed(
                                    d.getNum_rows(),
                                    d.getNum_nulls(),
                                    d.getNum_values(),
                                    rep,
                                    def,
                                    ParquetPages.encoding(d.getEncoding()),
                                    data,
                                    Statistics.createStats(col.getPrimitiveType()));
                        }
                        case DICTIONARY_PAGE -> {
                            pending = h;
                            readDictionaryPage();
                        }
                        case INDEX_PAGE -> body(h);
                        default -> throw new IOException("unknown page type " + h.getType());
                    }
                }
                return null;
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    private record OneColumn(PageReader pages, long rows) implements PageReadStore {
        @Override
        public PageReader getPageReader(ColumnDescriptor descriptor) {
            return pages;
        }

        @Override
        public long getRowCount() {
            return rows;
        }
    }

    /** parquet-java's column readers want a converter tree; the values are read from the readers directly. */
    private static final class IgnoringConverter extends GroupConverter {
        private final List<Converter> children = new ArrayList<>();

        IgnoringConverter(MessageType schema) {
            for (int i = 0; i < schema.getFieldCount(); i++) {
                children.add(new PrimitiveConverter() {});
            }
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return children.get(fieldIndex);
        }

        @Override
        public void start() {}

        @Override
        public void end() {}
    }
}
