package io.gyre.results;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One named numeric array read from a result file: its values in row-major (C) order, its shape, and optionally
 * its unit and one axis per dimension. The values array is handed over, not copied.
 *
 * @param weight this array's own weight when the file gave it one, or NaN to take the file's weight
 */
public record NamedArray(
        String name, int[] shape, double[] values, @Nullable String unit, List<Axis> axes, double weight) {
    public NamedArray {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + n + " values, not " + values.length);
        }
        shape = shape.clone();
        axes = List.copyOf(axes);
        Axis.check(axes, shape);
    }

    /** An array without a weight of its own. */
    public NamedArray(String name, int[] shape, double[] values, @Nullable String unit, List<Axis> axes) {
        this(name, shape, values, unit, axes, Double.NaN);
    }

    /** A one-dimensional array without unit, axes or weight of its own. */
    public static NamedArray of(String name, double... values) {
        return new NamedArray(name, new int[] {values.length}, values, null, List.of(), Double.NaN);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }
}
