package io.gyre.core;

import io.gyre.api.Failure;
import io.gyre.api.TaskOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the {@code KEY=value} lines a task appended to {@code $GYRE_OUTPUT}. Blank lines and lines starting
 * with {@code #} are skipped; the value is everything after the first {@code =}; a later line for the same key
 * wins. A missing file means no outputs.
 */
final class OutputFile {
    private OutputFile() {}

    /**
     * The outcome of an attempt that exited with {@code exitCode} 0: {@code Succeeded} with the file's outputs,
     * or {@code Failed} of type {@code output} (not retryable) when the file is malformed or unreadable.
     */
    static TaskOutcome successOf(int exitCode, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new TaskOutcome.Succeeded(exitCode, Map.of());
        } catch (IOException e) {
            return failed(exitCode, "could not read the outputs file " + file + ": " + e);
        }
        if (text.isEmpty()) {
            return new TaskOutcome.Succeeded(exitCode, Map.of());
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        int lineNumber = 0;
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            int next = end + 1;
            if (end > start && text.charAt(end - 1) == '\r') {
                end--;
            }
            lineNumber++;
            String line = text.substring(start, end);
            start = next;
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                return failed(
                        exitCode,
                        "line " + lineNumber + " of the outputs file " + file + " is not KEY=value: '" + line + "'");
            }
            String key = line.substring(0, eq);
            if (!isKey(key)) {
                return failed(
                        exitCode,
                        "line " + lineNumber + " of the outputs file " + file + " has an invalid key '" + key
                                + "'; keys match [A-Za-z_][A-Za-z0-9_]*");
            }
            outputs.put(key, line.substring(eq + 1));
        }
        return new TaskOutcome.Succeeded(exitCode, outputs);
    }

    static boolean isKey(String key) {
        if (key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private static TaskOutcome failed(int exitCode, String message) {
        return new TaskOutcome.Failed(exitCode, new Failure("output", message, false));
    }
}
