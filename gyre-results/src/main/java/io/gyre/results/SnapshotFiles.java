package io.gyre.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the result files a task publishes into {@code $GYRE_RESULTS_DIR}: JSON ({@code .json}), CSV
 * ({@code .csv}) and Parquet ({@code .parquet}), chosen by the file's extension. The formats are specified, with
 * examples, in docs/results.md. Every problem is an {@link InvalidSnapshotException} naming the file, the line
 * where the format has lines, what is wrong and what to write instead.
 */
public final class SnapshotFiles {
    /** Result names: letters, digits, '_', '-' and '.', not starting with '.', at most 128 characters. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]{0,127}");

    private SnapshotFiles() {}

    /** Reads {@code file}, choosing the format by its extension. */
    public static SnapshotFile read(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidSnapshotException(file.toString(), "cannot be read (" + e + ")", e);
        }
        return read(file.toString(), content);
    }

    /**
     * Reads a result file's {@code content}; {@code source} is its name as the user knows it, whose extension
     * chooses the format and which prefixes every error message.
     */
    public static SnapshotFile read(String source, byte[] content) {
        String lower = source.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json")) {
            return new JsonSnapshotReader(source, content).read();
        }
        if (lower.endsWith(".csv")) {
            return new CsvSnapshotReader(source, content).read();
        }
        if (lower.endsWith(".parquet")) {
            return SnapshotParquet.readFile(content, source);
        }
        throw new InvalidSnapshotException(
                source,
                0,
                "is not a result file Gyre reads; name it NAME.json, NAME.csv or NAME.parquet (see"
                        + " docs/results.md)");
    }

    /** Whether {@code name} may name a result; see {@link #NAME}. */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    static String nameProblem(String name) {
        return "result name '" + name + "' is not valid; use letters, digits, '_', '-' and '.' (not first), at most"
                + " 128 characters";
    }
}
