package io.gyre.results;

import io.gyre.api.MergeOp;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The merged view of one named result.
 *
 * @param stderr the standard error of each value for mean operations (NaN when fewer than two contributors),
 *     empty for the others
 * @param contributors how many tasks contributed
 * @param weight the total weight of their snapshots
 * @param unit the unit of the values, taken from the first snapshot that had one, or null
 * @param axes the axes of the first snapshot that had them (empty for {@code concat})
 */
public record MergedResult(
        String name,
        MergeOp op,
        int[] shape,
        double[] values,
        double[] stderr,
        int contributors,
        double weight,
        @Nullable String unit,
        List<Axis> axes) {
    public MergedResult {
        axes = List.copyOf(axes);
    }

    /** A merged result without unit or axes. */
    public MergedResult(
            String name, MergeOp op, int[] shape, double[] values, double[] stderr, int contributors, double weight) {
        this(name, op, shape, values, stderr, contributors, weight, null, List.of());
    }
}
