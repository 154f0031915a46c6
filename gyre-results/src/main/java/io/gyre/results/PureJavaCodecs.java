package io.gyre.results;

import io.airlift.compress.Compressor;
import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet's page codecs without Hadoop: parquet-java's own {@code CodecFactory} goes through Hadoop's
 * {@code CompressionCodec} classes, so Gyre supplies this factory instead. Snappy, ZSTD and LZ4 (raw) come from
 * aircompressor (pure Java, already a parquet-hadoop dependency), GZIP from the JDK; no native libraries. Brotli
 * and LZO are refused with a message naming the codecs that work. See docs/adr/0008-parquet-library.md.
 */
enum PureJavaCodecs implements CompressionCodecFactory {
    INSTANCE;

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return new PageCompressor(codec);
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return new PageDecompressor(codec);
    }

    @Override
    public void release() {}

    static UnsupportedOperationException unsupported(CompressionCodecName codec) {
        return new UnsupportedOperationException("Parquet pages compressed with " + codec
                + " cannot be read by Gyre; write them uncompressed, or with snappy, zstd, gzip or lz4_raw");
    }

    private static final class PageCompressor implements BytesInputCompressor {
        private final CompressionCodecName codec;

        PageCompressor(CompressionCodecName codec) {
            this.codec = codec;
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            byte[] in = bytes.toByteArray();
            return switch (codec) {
                case UNCOMPRESSED -> BytesInput.from(in);
                case SNAPPY -> BytesInput.from(block(new SnappyCompressor(), in));
                case ZSTD -> BytesInput.from(block(new ZstdCompressor(), in));
                case LZ4_RAW -> BytesInput.from(block(new Lz4Compressor(), in));
                case GZIP -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2 + 64);
                    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                        gz.write(in);
                    }
                    yield BytesInput.from(out.toByteArray());
                }
                case LZO, BROTLI, LZ4 -> throw unsupported(codec);
            };
        }

        private static byte[] block(Compressor c, byte[] in) {
            byte[] out = new byte[c.maxCompressedLength(in.length)];
            int n = c.compress(in, 0, in.length, out, 0, out.length);
            return java.util.Arrays.copyOf(out, n);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return codec;
        }

        @Override
        public void release() {}
    }

    private static final class PageDecompressor implements BytesInputDecompressor {
        private final CompressionCodecName codec;

        PageDecompressor(CompressionCodecName codec) {
            this.codec = codec;
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            if (codec == CompressionCodecName.UNCOMPRESSED) {
                return bytes;
            }
            byte[] in = bytes.toByteArray();
            byte[] out = new byte[uncompressedSize];
            switch (codec) {
                case SNAPPY -> block(new SnappyDecompressor(), in, out);
                case ZSTD -> block(new ZstdDecompressor(), in, out);
                case LZ4_RAW -> block(new Lz4Decompressor(), in, out);
                case GZIP -> {
                    try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
                        int n = gz.readNBytes(out, 0, out.length);
                        if (n != out.length) {
                            throw new IOException("a gzip page holds " + n + " bytes, not " + out.length);
                        }
                    }
                }
                case UNCOMPRESSED -> throw new AssertionError();
                case LZO, BROTLI, LZ4 -> throw unsupported(codec);
            }
            return BytesInput.from(out);
        }

        private static void block(Decompressor d, byte[] in, byte[] out) throws IOException {
            int n = d.decompress(in, 0, in.length, out, 0, out.length);
            if (n != out.length) {
                throw new IOException("a page decompressed to " + n + " bytes, not " + out.length);
            }
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.get(in);
            output.put(decompress(BytesInput.from(in), uncompressedSize).toByteBuffer());
        }

        @Override
        public void release() {}
    }

    /** Decompresses one page from {@code in} into a new array of {@code size} bytes. */
    static byte[] decompress(CompressionCodecName codec, ByteBuffer in, int size) throws IOException {
        byte[] bytes = new byte[in.remaining()];
        in.duplicate().get(bytes);
        return INSTANCE.getDecompressor(codec)
                .decompress(BytesInput.from(bytes), size)
                .toByteArray();
    }
}
