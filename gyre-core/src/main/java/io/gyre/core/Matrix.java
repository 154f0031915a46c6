package io.gyre.core;

import io.gyre.api.Sweep;
import java.util.List;

/**
 * A task's validated {@code matrix:}, before expansion. The points are the product of the axes (each grid key is
 * one axis; each paired group is one axis whose rows are zipped), in declaration order with the last axis varying
 * fastest, minus the points an exclusion matches, followed by the included points; each point is repeated
 * {@code replicas} times. Values are text (see {@link io.gyre.api.SweepPoint#values()}).
 *
 * @param keys every key, in expansion order
 * @param axes the product's factors; empty when the matrix has only {@code include}
 * @param include full points, values aligned with {@code keys}
 * @param exclude partial points; a point matching every value of one is dropped
 * @param replicas copies of each point; 0 when not declared
 * @param dynamic the grid keys whose values come from an upstream task at run time ({@code {from: task}}); they
 *     are in {@code keys} but have no axis until {@link FanOutExpander} inserts one
 */
record Matrix(
        List<String> keys,
        List<Axis> axes,
        List<String[]> include,
        List<Exclusion> exclude,
        int replicas,
        Sweep.Args args,
        List<Dynamic> dynamic) {
    Matrix {
        dynamic = List.copyOf(dynamic);
        keys = List.copyOf(keys);
        axes = List.copyOf(axes);
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /**
     * A dynamic grid key: its index in {@code keys}, the number of axes declared before it (where its axis goes),
     * the task whose working directory holds its JSON list, and the list's relative path.
     */
    record Dynamic(int key, int axis, String task, String file) {}

    /** One factor of the product: the keys it sets and its rows (one value per key each). */
    static final class Axis {
        final int[] keys;
        final String[][] rows;

        Axis(int[] keys, String[][] rows) {
            this.keys = keys;
            this.rows = rows;
        }
    }

    /** An {@code exclude:} entry and where it was written (for the "matches nothing" warning). */
    static final class Exclusion {
        final int[] keys;
        final String[] values;
        final int line;
        final int column;
        final String text;

        Exclusion(int[] keys, String[] values, int line, int column, String text) {
            this.keys = keys;
            this.values = values;
            this.line = line;
            this.column = column;
            this.text = text;
        }

        boolean matches(String[] point) {
            for (int i = 0; i < keys.length; i++) {
                if (!values[i].equals(point[keys[i]])) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The number of points of the product, before exclusions; 0 without axes; saturates at Long.MAX_VALUE. */
    long productSize() {
        if (axes.isEmpty()) {
            return 0;
        }
        long n = 1;
        for (Axis a : axes) {
            try {
                n = Math.multiplyExact(n, a.rows.length);
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return n;
    }
}
