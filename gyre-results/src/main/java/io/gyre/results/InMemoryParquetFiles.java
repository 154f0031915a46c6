package io.gyre.results;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Parquet's file abstractions over a byte array, so that snapshots are encoded and decoded in memory and the
 * object store alone decides where the bytes live (and makes their publication atomic).
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

    /** An input file over {@code bytes} (not copied). */
    static InputFile source(byte[] bytes) {
        return new InputFile() {
            @Override
            public long getLength() {
                return bytes.length;
            }

            @Override
            public SeekableInputStream newStream() {
                Seekable in = new Seekable(bytes);
                return new DelegatingSeekableInputStream(in) {
                    @Override
                    public long getPos() {
                        return in.position();
                    }

                    @Override
                    public void seek(long newPos) throws IOException {
                        if (newPos < 0 || newPos > bytes.length) {
                            throw new IOException("seek to " + newPos + " outside a file of " + bytes.length);
                        }
                        in.moveTo((int) newPos);
                    }
                };
            }
        };
    }

    private static final class Seekable extends ByteArrayInputStream {
        Seekable(byte[] bytes) {
            super(bytes);
        }

        synchronized int position() {
            return pos;
        }

        synchronized void moveTo(int p) {
            pos = p;
        }
    }
}
