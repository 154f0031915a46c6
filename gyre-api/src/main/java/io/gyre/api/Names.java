package io.gyre.api;

/**
 * Validation shared by the typed names: safe as file names, no path traversal, no shell metacharacters. A
 * character loop rather than a regex: every id read back from a store is checked, on the hot path of every task.
 */
final class Names {
    private static final int MAX = 200;

    private Names() {}

    static String require(String kind, String value) {
        if (!valid(value)) {
            throw new GyreException(kind + " '" + value + "' is not valid: use letters, digits, '_', '-', '.'"
                    + " (starting with a letter, digit or '_', at most 200 characters, no '..')");
        }
        return value;
    }

    /** {@code [A-Za-z0-9_][A-Za-z0-9_.\-\[\]]{0,199}} without {@code ..}. */
    static boolean valid(String value) {
        int n = value.length();
        if (n == 0 || n > MAX || !(alnum(value.charAt(0)) || value.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = value.charAt(i);
            boolean ok = alnum(c) || c == '_' || c == '-' || c == '[' || c == ']' || c == '.';
            if (!ok || (c == '.' && value.charAt(i - 1) == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
