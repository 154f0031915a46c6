package io.gyre.results;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The CSV result format (docs/results.md): a header row of result names, then rows of numbers; each column is one
 * 1-D result. Lines starting with '#' are comments; {@code # weight: W} sets the weight and {@code # unit.NAME: U}
 * a column's unit. No quoting: names cannot contain commas.
 */
final class CsvSnapshotReader {
    private final String source;
    private final String text;

    CsvSnapshotReader(String source, byte[] content) {
        this.source = source;
        this.text = new String(content, StandardCharsets.UTF_8);
    }

    SnapshotFile read() {
        double weight = 1;
        Map<String, String> units = new HashMap<>();
        Map<String, Integer> unitLines = new HashMap<>();
        List<String> names = null;
        double[][] columns = new double[0][];
        int rows = 0;
        int lineNo = 0;
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(at, end);
            at = end + 1;
            lineNo++;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("#")) {
                String comment = trimmed.substring(1).strip();
                int colon = comment.indexOf(':');
                if (colon > 0) {
                    String key = comment.substring(0, colon).strip();
                    String value = comment.substring(colon + 1).strip();
                    if (key.equals("weight")) {
                        weight = weight(value, lineNo);
                    } else if (key.startsWith("unit.")) {
                        units.put(key.substring(5), value);
                        unitLines.put(key.substring(5), lineNo);
                    }
                }
                continue;
            }
            String[] fields = line.split(",", -1);
            if (names == null) {
                names = header(fields, lineNo);
                columns = new double[names.size()][256];
                continue;
            }
            if (fields.length != names.size()) {
                throw new InvalidSnapshotException(
                        source,
                        lineNo,
                        "this row has " + fields.length + " fields but the header names " + names.size()
                                + " columns; every row needs a number in every column");
            }
            if (rows == columns[0].length) {
                for (int c = 0; c < columns.length; c++) {
                    columns[c] = Arrays.copyOf(columns[c], rows * 2);
                }
            }
            for (int c = 0; c < fields.length; c++) {
                columns[c][rows] = number(fields[c], names.get(c), lineNo);
            }
            rows++;
        }
        if (names == null) {
            throw new InvalidSnapshotException(
                    source, 0, "has no header row; the first line that is not a comment names the columns");
        }
        for (var e : unitLines.entrySet()) {
            if (!names.contains(e.getKey())) {
                throw new InvalidSnapshotException(
                        source, e.getValue(), "unit for '" + e.getKey() + "', which is not a column " + names);
            }
        }
        List<NamedArray> arrays = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            String name = names.get(c);
            arrays.add(new NamedArray(
                    name, new int[] {rows}, Arrays.copyOf(columns[c], rows), units.get(name), List.of(), Double.NaN));
        }
        return new SnapshotFile(weight, arrays);
    }

    private List<String> header(String[] fields, int lineNo) {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String f : fields) {
            String name = f.strip();
            if (!SnapshotFiles.isValidName(name)) {
                throw new InvalidSnapshotException(source, lineNo, "header: " + SnapshotFiles.nameProblem(name));
            }
            if (!seen.add(name)) {
                throw new InvalidSnapshotException(source, lineNo, "header: column '" + name + "' appears twice");
            }
            names.add(name);
        }
        return names;
    }

    private double weight(String value, int lineNo) {
        double w;
        try {
            w = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            w = Double.NaN;
        }
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw new InvalidSnapshotException(
                    source, lineNo, "'# weight: " + value + "' must give a finite number >= 0");
        }
        return w;
    }

    private double number(String field, String column, int lineNo) {
        String s = field.strip();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {}
        }
        if (!s.isEmpty() && isDecimal(s)) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                // fall through to the message
            }
        }
        throw new InvalidSnapshotException(
                source,
                lineNo,
                "column '" + column + "': '" + s + "' is not a number; write decimals like 1.5 or 2e-3 (nan and inf"
                        + " are allowed)");
    }

    /** Digits, sign, '.', 'e'/'E' only: Java's parser would also take hex floats and a trailing 'd' or 'f'. */
    private static boolean isDecimal(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return false;
            }
        }
        return true;
    }
}
