package io.gyre.core;

import io.gyre.api.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Formats sweep values as Hydra command-line overrides ({@code key=value}), following Hydra's override grammar:
 * a value made only of letters, digits and {@code _-+./:@%} is written as it is (so numbers, {@code true},
 * {@code false} and {@code null} keep their meaning); a list value ({@code [a,b]}, already formatted element by
 * element) is passed through; anything else is single-quoted, with {@code '} escaped as {@code \'}, backslashes
 * doubled where they precede a quote or end the string, and {@code ${} escaped as {@code \${} so Hydra does not
 * read it as an interpolation.
 */
final class HydraArgs {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_\\-+./:@%]+");

    private HydraArgs() {}

    /** The overrides of a point, in key order. */
    static List<String> overrides(SweepPoint point) {
        List<String> out = new ArrayList<>(point.values().size());
        for (int i = 0; i < point.values().size(); i++) {
            out.add(override(point.sweep().keys().get(i), point.values().get(i)));
        }
        return out;
    }

    static String override(String key, String value) {
        return key + "=" + value(value);
    }

    /** A value as Hydra reads it: list text passes through, everything else as {@link #scalar}. */
    static String value(String value) {
        return isList(value) ? value : scalar(value);
    }

    /** A scalar: plain when Hydra reads it back unchanged, single-quoted otherwise. */
    static String scalar(String value) {
        return PLAIN.matcher(value).matches() ? value : quote(value);
    }

    /** A list value as sweeps store it: its elements formatted by {@link #value}, joined in brackets. */
    static String list(List<String> formattedElements) {
        return "[" + String.join(",", formattedElements) + "]";
    }

    static boolean isList(String value) {
        return value.length() >= 2 && value.charAt(0) == '[' && value.charAt(value.length() - 1) == ']';
    }

    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '\\') {
                int end = i;
                while (end < value.length() && value.charAt(end) == '\\') {
                    end++;
                }
                boolean beforeQuoteOrEnd = end == value.length() || value.charAt(end) == '\'';
                int n = end - i;
                out.append("\\".repeat(beforeQuoteOrEnd ? 2 * n : n));
                i = end;
                continue;
            }
            if (c == '\'') {
                out.append("\\'");
            } else if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '{') {
                out.append("\\$");
            } else {
                out.append(c);
            }
            i++;
        }
        return out.append('\'').toString();
    }
}
