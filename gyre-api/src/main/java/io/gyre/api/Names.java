package io.gyre.api;

import java.util.regex.Pattern;

/** Validation shared by the typed names: safe as file names, no path traversal, no shell metacharacters. */
final class Names {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-\\[\\]]{0,199}");

    private Names() {}

    static String require(String kind, String value) {
        if (!SAFE.matcher(value).matches() || value.contains("..")) {
            throw new GyreException(kind + " '" + value + "' is not valid: use letters, digits, '_', '-', '.'"
                    + " (starting with a letter, digit or '_', at most 200 characters, no '..')");
        }
        return value;
    }
}
