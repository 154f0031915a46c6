package io.gyre.results;

import io.gyre.api.GyreException;

/**
 * A result file a task published cannot be read: the message names the file (and the line, where the format has
 * lines), says what is wrong and what to write instead, for example
 * {@code results/dose.json:3: "shape" [2, 3] holds 6 values but "values" has 5}.
 */
public final class InvalidSnapshotException extends GyreException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    /**
     * @param file the file as the user knows it
     * @param line the 1-based line of the problem, or 0 when the format has no lines (Parquet)
     */
    public InvalidSnapshotException(String file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public InvalidSnapshotException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.line = 0;
    }

    /** The file as the user knows it. */
    public String file() {
        return file;
    }

    /** The 1-based line of the problem, or 0 when unknown. */
    public int line() {
        return line;
    }
}
