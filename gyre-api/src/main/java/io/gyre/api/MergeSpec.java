package io.gyre.api;

import java.util.regex.Pattern;

/**
 * How the snapshots of the results whose names match {@code pattern} combine across tasks: one entry of a flow's
 * {@code merge:} mapping. A pattern is a result name or a glob such as {@code dose-*}.
 *
 * @param weighting what a snapshot weighs in a weighted mean: its published weight, or the same for every task
 */
public record MergeSpec(String pattern, MergeOp op, Weighting weighting) {
    /** What results merge by when the flow says nothing about them: a mean weighted by each snapshot's weight. */
    public static final MergeSpec DEFAULT = new MergeSpec("*", MergeOp.WEIGHTED_MEAN, Weighting.SNAPSHOT);

    public enum Weighting {
        /** The weight the task published with the snapshot (for example its number of primaries). */
        SNAPSHOT,
        /** Every task counts the same. */
        EQUAL;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Whether a result name matches the pattern, where {@code *} stands for any run of characters. */
    public boolean matches(String name) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.matches(regex.toString(), name);
    }
}
