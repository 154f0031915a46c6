package io.gyre.results;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the {@code value} column of Gyre snapshot files one after another, reusing one file buffer and the
 * caller's arrays, so that merging thousands of snapshots of millions of values allocates nothing per snapshot.
 * (Allocating two fresh 8 MB arrays per snapshot made the JVM's collector, not the decoding, the bottleneck of
 * the merge benchmark; see docs/adr/0009-merge-algorithm-and-memory.md.) Not thread-safe: one per reading thread.
 */
public final class ValuesReader {
    // Direct: a channel reads into it straight from the page cache (into a heap buffer the JDK would read into a
    // temporary direct buffer first and copy), and the pages are then copied once, into the caller's array.
    private ByteBuffer buffer = ByteBuffer.allocateDirect(0);

    private double[] fallback = new double[0];

    /** A snapshot file's values opened for reading in ranges; closing releases the file. */
    public interface OpenValues extends SnapshotValues, AutoCloseable {
        @Override
        void close();
    }

    /**
     * The values of {@code file} for a merge to read in ranges ({@link ResultMerger#accept(Snapshot.SnapshotRef,
     * SnapshotValues)}). A file in Gyre's own form (uncompressed PLAIN pages) is read lazily, straight from its
     * pages, without decoding it into an array; any other file is decoded whole into an array this reader reuses
     * (valid until the next call). Several threads may read ranges of the result at once; close it after use.
     */
    public OpenValues open(Path file) {
        PlainPagesFile pages = PlainPagesFile.open(file);
        if (pages != null) {
            return pages;
        }
        double[] values = read(file, fallback);
        fallback = values;
        return new OpenValues() {
            @Override
            public int length() {
                return values.length;
            }

            @Override
            public void copy(int from, double[] into, int count) {
                System.arraycopy(values, from, into, 0, count);
            }

            @Override
            public double[] array() {
                return values;
            }

            @Override
            public void close() {}
        };
    }

    /**
     * The values of {@code file}: written into {@code into} when it has the right length (and then returned),
     * else into a new array.
     */
    public double[] read(Path file, double[] into) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new InvalidSnapshotException(file.toString(), 0, "is " + size + " bytes, too large to read");
            }
            if (buffer.capacity() < size) {
                buffer = ByteBuffer.allocateDirect((int) Math.max(size, buffer.capacity() * 5L / 4));
            }
            buffer.clear().limit((int) size);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new IOException("the file shrank while being read");
                }
            }
            buffer.flip();
            return new ParquetColumns(buffer, file.toString()).column("value", into);
        } catch (IOException e) {
            throw new InvalidSnapshotException(file.toString(), "cannot be read (" + e + ")", e);
        }
    }
}
