package io.gyre.core;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" for misspelt keys, task ids and parameter names (optimal string alignment distance). */
final class Suggestions {
    private Suggestions() {}

    /** The candidate closest to {@code input}, if one is close enough to be a plausible typo. */
    static Optional<String> closest(String input, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(input.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best == null || bestDistance > tolerance(Math.max(input.length(), best.length()))) {
            return Optional.empty();
        }
        return Optional.of(best);
    }

    /** A "did you mean" hint, or empty. */
    static String hint(String input, Collection<String> candidates) {
        return closest(input, candidates).map(s -> "did you mean '" + s + "'?").orElse("");
    }

    private static int tolerance(int length) {
        if (length <= 4) {
            return 1;
        }
        return length <= 8 ? 2 : 3;
    }

    /** Damerau-Levenshtein distance, restricted to adjacent transpositions (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
