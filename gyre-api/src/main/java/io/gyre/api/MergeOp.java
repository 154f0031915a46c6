package io.gyre.api;

import java.util.Locale;

/**
 * How the snapshots of one named result combine across tasks ({@code merge: {NAME: {op: ...}}} in a flow).
 */
public enum MergeOp {
    /** The plain mean of the contributors' values, with variance and standard error. */
    MEAN,
    /** The mean weighted by each snapshot's weight (for example its number of primaries); the default. */
    WEIGHTED_MEAN,
    /** The element-wise sum of the contributors' values. */
    SUM,
    /** The element-wise minimum. */
    MIN,
    /** The element-wise maximum. */
    MAX,
    /** The contributors' values one after another, in task order. */
    CONCAT;

    /** The name used in flows, files and on the wire: {@code weighted-mean} for {@link #WEIGHTED_MEAN}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The operation a wire name stands for.
     *
     * @throws IllegalArgumentException naming the accepted names when {@code text} is none of them
     */
    public static MergeOp parse(String text) {
        for (MergeOp op : values()) {
            if (op.wireName().equals(text)) {
                return op;
            }
        }
        throw new IllegalArgumentException(
                "merge op '" + text + "' is not one of mean, weighted-mean, sum, min, max, concat");
    }
}
