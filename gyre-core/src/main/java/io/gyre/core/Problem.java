package io.gyre.core;

/**
 * One located problem in a flow file. Lines and columns are 1-based; {@code hint} says what to do and is empty
 * when there is nothing useful to add.
 */
public record Problem(String file, int line, int column, String message, String hint) {
    /** Renders as {@code flows/x.yaml:12:5: unknown key 'need' in task 'b' (did you mean 'needs'?)}. */
    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line + ":" + column + ": " : file.isEmpty() ? "" : file + ": ";
        return where + message + (hint.isEmpty() ? "" : " (" + hint + ")");
    }

    /** A problem of a flow built in code, which has no file position. */
    public static Problem unlocated(String message, String hint) {
        return new Problem("", 0, 0, message, hint);
    }
}
