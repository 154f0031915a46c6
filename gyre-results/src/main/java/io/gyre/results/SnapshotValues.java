package io.gyre.results;

/**
 * A snapshot's values, read a range at a time: from an array, or straight from the data pages of a snapshot file
 * ({@link ValuesReader#open}), so that a merge can fold a snapshot in without first decoding all of it into an
 * array of its own (which costs a write and a read of the whole snapshot through memory).
 *
 * <p>{@link #copy} may be called from several threads at once for disjoint ranges (a striped merge does).
 */
public interface SnapshotValues {
    /** How many values there are. */
    int length();

    /** Copies the values {@code from .. from+count} into {@code into[0 .. count]}. */
    void copy(int from, double[] into, int count);

    /**
     * The backing array when the values are one already (then a merge reads them in place), else null.
     */
    default double @org.jspecify.annotations.Nullable [] array() {
        return null;
    }

    /** The values of an array, which is not copied. */
    static SnapshotValues of(double[] values) {
        return new SnapshotValues() {
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
        };
    }
}
