package io.gyre.results;

import java.nio.ByteBuffer;
import org.apache.parquet.column.Encoding;

/** Small page-level helpers shared by Gyre's Parquet writer and reader. */
final class ParquetPages {
    private static final org.apache.parquet.format.converter.ParquetMetadataConverter CONVERTER =
            new org.apache.parquet.format.converter.ParquetMetadataConverter();

    private ParquetPages() {}

    static Encoding encoding(org.apache.parquet.format.Encoding e) {
        return CONVERTER.getEncoding(e);
    }

    /** Decodes {@code count} BYTE_STREAM_SPLIT doubles: byte k of value i is at {@code k * count + i}. */
    static void unsplitDoubles(ByteBuffer buffer, double[] out, int pos, int count) {
        byte[] b = new byte[count * Double.BYTES];
        buffer.get(b);
        for (int i = 0; i < count; i++) {
            long bits = 0;
            for (int k = 0; k < Double.BYTES; k++) {
                bits |= (b[k * count + i] & 0xffL) << (8 * k);
            }
            out[pos + i] = Double.longBitsToDouble(bits);
        }
    }

    static byte[] splitDoubles(double[] values, int from, int count) {
        byte[] page = new byte[count * Double.BYTES];
        for (int i = 0; i < count; i++) {
            long bits = Double.doubleToRawLongBits(values[from + i]);
            for (int k = 0; k < Double.BYTES; k++) {
                page[k * count + i] = (byte) (bits >>> (8 * k));
            }
        }
        return page;
    }
}
