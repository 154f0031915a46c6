package io.gyre.results;

import java.util.List;

/**
 * Merged results as one long CSV table: {@code name,index,coordinate,value,stderr}, a row per value in row-major
 * order; {@code coordinate} is the axis value of a one-dimensional result that has an axis (centres, or the
 * middle of each bin when the axis gives edges), empty otherwise; an undefined standard error is empty.
 */
public final class ResultsCsv {
    private ResultsCsv() {}

    public static String write(List<MergedResult> results) {
        StringBuilder sb = new StringBuilder("name,index,coordinate,value,stderr\n");
        for (MergedResult r : results) {
            double[] v = r.values();
            double[] err = r.stderr();
            double[] coords = null;
            if (r.shape().length == 1 && r.axes().size() == 1) {
                coords = r.axes().getFirst().values();
            }
            for (int i = 0; i < v.length; i++) {
                sb.append(r.name()).append(',').append(i).append(',');
                if (coords != null) {
                    sb.append(number(coords.length == v.length ? coords[i] : (coords[i] + coords[i + 1]) / 2));
                }
                sb.append(',').append(number(v[i])).append(',');
                if (err.length == v.length && Double.isFinite(err[i])) {
                    sb.append(number(err[i]));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String number(double d) {
        return Double.isFinite(d) ? Double.toString(d) : "";
    }
}
