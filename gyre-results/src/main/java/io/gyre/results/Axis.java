package io.gyre.results;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The coordinates along one dimension of a result: for a dose histogram over depth, {@code depth} in {@code mm}
 * with the bin centres (one value per element along that dimension) or the bin edges (one more).
 *
 * @param name what the dimension is, for example {@code depth}
 * @param unit its unit, or null when it has none
 * @param values the coordinates, {@code n} centres or {@code n + 1} edges for a dimension of length {@code n}
 */
public record Axis(String name, @Nullable String unit, double[] values) {
    public Axis {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("an axis needs a name");
        }
        values = values.clone();
    }

    /** Whether this axis fits a dimension of {@code length} elements: as many centres or one edge more. */
    public boolean fits(int length) {
        return values.length == length || values.length == length + 1;
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Axis a
                && name.equals(a.name)
                && Objects.equals(unit, a.unit)
                && Arrays.equals(values, a.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, unit, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "Axis[" + name + (unit == null ? "" : " (" + unit + ")") + ", " + values.length + " values]";
    }

    /** Checks that {@code axes} is empty or names each of {@code shape}'s dimensions with a fitting length. */
    static void check(List<Axis> axes, int[] shape) {
        if (axes.isEmpty()) {
            return;
        }
        if (axes.size() != shape.length) {
            throw new IllegalArgumentException("there are " + axes.size() + " axes for a shape of " + shape.length
                    + " dimensions " + Arrays.toString(shape) + "; give one axis per dimension, or none");
        }
        for (int k = 0; k < shape.length; k++) {
            Axis a = axes.get(k);
            if (!a.fits(shape[k])) {
                throw new IllegalArgumentException("axis '" + a.name() + "' has " + a.values.length
                        + " values but dimension " + k + " has " + shape[k] + " elements; give " + shape[k]
                        + " centres or " + (shape[k] + 1) + " edges");
            }
        }
    }
}
