package io.gyre.results;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.jspecify.annotations.Nullable;

/**
 * The {@code value} column of a snapshot file in Gyre's own form (a required DOUBLE column of uncompressed PLAIN
 * pages), read in ranges with positional reads straight from the file's data pages: only the footer and the page
 * headers are read when the file is opened, and {@link #copy} reads the bytes of just the asked-for values into a
 * small per-thread buffer. A merge thus touches each value once, in cache, instead of copying the whole file into
 * a buffer and decoding it into an array first. {@link #open} returns empty for any other file (compressed,
 * dictionary or BYTE_STREAM_SPLIT pages, optional columns), which the general reader handles.
 */
final class PlainPagesFile implements ValuesReader.OpenValues {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_PROBE = 4096;
    /** One direct buffer per reading thread, grown to the largest range asked for (a merge's chunk, 128 KiB). */
    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(0));

    private final FileChannel channel;
    private final String source;
    private final int length;
    /** Per page: the index of its first value, its value count and the file offset of its first value. */
    private final int[] first;

    private final int[] count;
    private final long[] offset;

    private PlainPagesFile(FileChannel channel, String source, int length, int[] first, int[] count, long[] offset) {
        this.channel = channel;
        this.source = source;
        this.length = length;
        this.first = first;
        this.count = count;
        this.offset = offset;
    }

    /** The file's value pages, or null when it is not in the form this class reads (the channel is then closed). */
    static @Nullable PlainPagesFile open(Path file) {
        String source = file.toString();
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new InvalidSnapshotException(source, "cannot be read (" + e + ")", e);
        }
        try {
            PlainPagesFile f = index(channel, source);
            if (f == null) {
                channel.close();
            }
            return f;
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof InvalidSnapshotException ise) {
                throw ise;
            }
            return null; // let the general reader say what is wrong with it
        }
    }

    @SuppressWarnings("NullAway") // parquet-format's Thrift getters are all marked nullable
    private static @Nullable PlainPagesFile index(FileChannel channel, String source) throws IOException {
        long size = channel.size();
        if (size < 12) {
            return null;
        }
        ByteBuffer tail = read(channel, size - 8, 8);
        int footerLength = tail.getInt(0);
        byte[] magic = new byte[4];
        tail.get(4, magic);
        if (!Arrays.equals(magic, MAGIC) || footerLength <= 0 || footerLength > size - 12) {
            return null;
        }
        ByteBuffer footerBytes = read(channel, size - 8 - footerLength, footerLength);
        byte[] fb = new byte[footerLength];
        footerBytes.get(0, fb);
        ParquetMetadata footer = new ParquetMetadataConverter()
                .readParquetMetadata(new ByteArrayInputStream(fb), ParquetMetadataConverter.NO_FILTER);
        MessageType schema = footer.getFileMetaData().getSchema();
        if (!schema.containsField("value")) {
            return null;
        }
        ColumnDescriptor col = schema.getColumnDescription(new String[] {"value"});
        if (col.getPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.DOUBLE
                || col.getMaxDefinitionLevel() != 0
                || col.getMaxRepetitionLevel() != 0) {
            return null;
        }
        int pages = 0;
        int[] first = new int[16];
        int[] count = new int[16];
        long[] offset = new long[16];
        long rows = 0;
        for (BlockMetaData block : footer.getBlocks()) {
            ColumnChunkMetaData chunk = null;
            for (ColumnChunkMetaData c : block.getColumns()) {
                if (Arrays.equals(c.getPath().toArray(), col.getPath())) {
                    chunk = c;
                }
            }
            if (chunk == null || chunk.getCodec() != CompressionCodecName.UNCOMPRESSED || chunk.hasDictionaryPage()) {
                return null;
            }
            long pos = chunk.getStartingPos();
            long end = pos + chunk.getTotalSize();
            long blockRows = block.getRowCount();
            long filled = 0;
            if (end > size) {
                return null;
            }
            while (pos < end) {
                int probe = (int) Math.min(HEADER_PROBE, end - pos);
                ByteBuffer headerBytes = read(channel, pos, probe);
                byte[] hb = new byte[probe];
                headerBytes.get(0, hb);
                ByteArrayInputStream in = new ByteArrayInputStream(hb);
                PageHeader h = Util.readPageHeader(in);
                long body = pos + (probe - in.available());
                int bodySize = h.getCompressed_page_size();
                if (bodySize < 0 || body + bodySize > end) {
                    return null;
                }
                int values;
                long valuesAt;
                Encoding encoding;
                switch (h.getType()) {
                    case DATA_PAGE -> {
                        DataPageHeader d = h.getData_page_header();
                        values = d.getNum_values();
                        valuesAt = body;
                        encoding = ParquetPages.encoding(d.getEncoding());
                    }
                    case DATA_PAGE_V2 -> {
                        DataPageHeaderV2 d = h.getData_page_header_v2();
                        values = d.getNum_values();
                        valuesAt = body + d.getRepetition_levels_byte_length() + d.getDefinition_levels_byte_length();
                        encoding = ParquetPages.encoding(d.getEncoding());
                    }
                    case INDEX_PAGE -> {
                        pos = body + bodySize;
                        continue;
                    }
                    default -> {
                        return null;
                    }
                }
                if (encoding != Encoding.PLAIN
                        || values < 0
                        || valuesAt + (long) values * Double.BYTES > body + bodySize) {
                    return null;
                }
                if (pages == first.length) {
                    first = Arrays.copyOf(first, pages * 2);
                    count = Arrays.copyOf(count, pages * 2);
                    offset = Arrays.copyOf(offset, pages * 2);
                }
                first[pages] = Math.toIntExact(rows + filled);
                count[pages] = values;
                offset[pages] = valuesAt;
                pages++;
                filled += values;
                pos = body + bodySize;
            }
            if (filled != blockRows) {
                return null;
            }
            rows += blockRows;
        }
        if (rows > Integer.MAX_VALUE - 8) {
            throw new InvalidSnapshotException(source, 0, "has " + rows + " rows, more than one array can hold");
        }
        return new PlainPagesFile(
                channel,
                source,
                (int) rows,
                Arrays.copyOf(first, pages),
                Arrays.copyOf(count, pages),
                Arrays.copyOf(offset, pages));
    }

    private static ByteBuffer read(FileChannel channel, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, at + b.position()) < 0) {
                throw new IOException("the file ends before byte " + (at + n));
            }
        }
        return b.flip();
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void copy(int from, double[] into, int n) {
        if (from < 0 || n < 0 || from + n > length || n > into.length) {
            throw new IndexOutOfBoundsException(
                    "values " + from + ".." + (from + n) + " of " + length + " into an array of " + into.length);
        }
        ByteBuffer scratch = SCRATCH.get();
        if (scratch.capacity() < n * Double.BYTES) {
            scratch = ByteBuffer.allocateDirect(n * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            SCRATCH.set(scratch);
        }
        int p = page(from);
        int done = 0;
        try {
            while (done < n) {
                int at = from + done;
                while (at >= first[p] + count[p]) {
                    p++;
                }
                int take = Math.min(n - done, first[p] + count[p] - at);
                long pos = offset[p] + (long) (at - first[p]) * Double.BYTES;
                scratch.clear().limit(take * Double.BYTES);
                while (scratch.hasRemaining()) {
                    if (channel.read(scratch, pos + scratch.position()) < 0) {
                        throw new IOException("the file shrank while being read");
                    }
                }
                scratch.flip();
                scratch.asDoubleBuffer().get(into, done, take);
                done += take;
            }
        } catch (IOException e) {
            throw new InvalidSnapshotException(source, "cannot be read (" + e + ")", e);
        }
    }

    /** The page holding value {@code i}. */
    private int page(int i) {
        int p = Arrays.binarySearch(first, i);
        return p >= 0 ? p : -p - 2;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new InvalidSnapshotException(source, "cannot be closed (" + e + ")", e);
        }
    }
}
