package io.gyre.results;

import java.io.ByteArrayOutputStream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Parquet's output file over a byte array, so that snapshots are encoded in memory and the object store alone
 * decides where the bytes live (and makes their publication atomic). Reading needs no such adapter: see
 * {@link ParquetColumns}.
 */
final class InMemoryParquetFiles {
    private InMemoryParquetFiles() {}

    /** An output file that collects what Parquet writes; {@link #toByteArray} after the writer is closed. */
    static final class Sink implements OutputFile {
        private final Buffer buffer = new Buffer();

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return stream();
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return stream();
        }

        private PositionOutputStream stream() {
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return buffer.size();
                }

                @Override
                public void write(int b) {
                    buffer.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    buffer.write(b, off, len);
                }
            };
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }

        byte[] toByteArray() {
            return buffer.toByteArray();
        }
    }

    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1 << 16);
        }
    }
}
