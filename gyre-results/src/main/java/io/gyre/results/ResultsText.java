package io.gyre.results;

import java.util.List;
import java.util.Locale;

/**
 * Merged results for people: one line per result, a scalar as {@code value ± stderr}, an array by its size and
 * its peak (with the axis coordinate where it lies) and its mean relative standard error.
 */
public final class ResultsText {
    private ResultsText() {}

    /** The readable summary written to {@code results/summary.txt}: a line per result, then any problems. */
    public static String summary(List<MergedResult> results, List<String> problems) {
        StringBuilder sb = new StringBuilder();
        int width = results.stream().mapToInt(r -> r.name().length()).max().orElse(0);
        for (MergedResult r : results) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s  ", r.name()))
                    .append(line(r))
                    .append('\n');
        }
        for (String p : problems) {
            sb.append("problem: ").append(p).append('\n');
        }
        return sb.toString();
    }

    /** {@code 3.14163 ± 0.00041 (weighted-mean of 8 tasks, weight 1.92e+06)} or the array form. */
    public static String line(MergedResult r) {
        String unit = r.unit() == null ? "" : " " + r.unit();
        String tail = " (" + r.op().wireName() + " of " + r.contributors()
                + (r.contributors() == 1 ? " task" : " tasks") + ", weight " + compact(r.weight()) + ")";
        double[] v = r.values();
        if (v.length == 1) {
            return value(v[0], r.stderr().length == 1 ? r.stderr()[0] : Double.NaN) + unit + tail;
        }
        if (v.length == 0) {
            return "no values" + tail;
        }
        int peak = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[peak]) {
                peak = i;
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(v.length)
                .append(" values, peak ")
                .append(value(v[peak], r.stderr().length == v.length ? r.stderr()[peak] : Double.NaN))
                .append(unit);
        if (r.axes().size() == 1 && r.shape().length == 1) {
            Axis a = r.axes().getFirst();
            double[] c = a.values();
            double at = c.length == v.length ? c[peak] : (c[peak] + c[peak + 1]) / 2;
            sb.append(" at ").append(a.name()).append(' ').append(compact(at));
            if (a.unit() != null) {
                sb.append(' ').append(a.unit());
            }
        }
        return sb.append(tail).toString();
    }

    /** {@code 3.14163 ± 0.00041}: the value to the precision its error supports (6 significant digits without one). */
    static String value(double v, double err) {
        if (!Double.isFinite(err) || err <= 0) {
            return compact(v);
        }
        int digits = Math.max(0, Math.min(12, 1 - (int) Math.floor(Math.log10(err))));
        return String.format(Locale.ROOT, "%." + digits + "f ± %." + digits + "f", v, err);
    }

    /** Up to 6 significant digits without trailing zeros: {@code 7.25}, {@code 960000}, {@code 1.92e+06}. */
    static String compact(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return e < 0 ? mantissa : mantissa + s.substring(e);
    }
}
