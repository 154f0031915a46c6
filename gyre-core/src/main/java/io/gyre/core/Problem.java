package io.gyre.core;

/**
 * One located problem in a flow file. Lines and columns are 1-based; {@code hint} says what to do and is empty
 * when there is nothing useful to add.
 */
public record Problem(String file, int line, int column, String message, String hint) {
    /** Renders as {@code flows/x.yaml:12:5: unknown key 'need' in task 'b' (did you mean 'needs'?)}. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message + (hint.isEmpty() ? "" : " (" + hint + ")");
    }
}
