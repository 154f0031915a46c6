package io.gyre.results;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The JSON result format (docs/results.md), read with Jackson's streaming parser so that a million values cost no
 * tree of nodes and every problem has a line:
 *
 * <pre>{"weight": 10000, "results": {"dose": {"values": [...], "shape": [2, 3], "unit": "Gy",
 *   "axes": [{"name": "depth", "unit": "mm", "values": [...]}], "weight": 5000}}}</pre>
 */
final class JsonSnapshotReader {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxDocumentLength(-1)
                    .maxNumberLength(1000)
                    .build())
            .build();

    private final String source;
    private final byte[] content;
    private @Nullable JsonParser parser;

    JsonSnapshotReader(String source, byte[] content) {
        this.source = source;
        this.content = content;
    }

    SnapshotFile read() {
        try (JsonParser p = FACTORY.createParser(content)) {
            parser = p;
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw problem("the file must hold one JSON object: {\"weight\": W, \"results\": {NAME: {\"values\":"
                        + " [...]}}}");
            }
            double weight = 1;
            List<NamedArray> arrays = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "weight" -> weight = weight("weight");
                    case "results" -> arrays = results();
                    default ->
                        throw problem(
                                "unknown field \"" + field + "\"; the top level has \"weight\" and" + " \"results\"");
                }
            }
            if (p.nextToken() != null) {
                throw problem("there is more after the top-level object; a file holds one object");
            }
            if (arrays == null) {
                throw problem("there is no \"results\" object; write {\"results\": {NAME: {\"values\": [...]}}}");
            }
            return new SnapshotFile(weight, arrays);
        } catch (JsonParseException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            // Jackson names the (redacted) source inside nested locations; the file is named already.
            String why = e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
            throw new InvalidSnapshotException(source, line, "is not valid JSON: " + why);
        } catch (IOException e) {
            throw new InvalidSnapshotException(source, "cannot be read as JSON (" + e.getMessage() + ")", e);
        }
    }

    private JsonParser p() {
        if (parser == null) {
            throw new IllegalStateException("not reading");
        }
        return parser;
    }

    private InvalidSnapshotException problem(String what) {
        return new InvalidSnapshotException(source, p().currentLocation().getLineNr(), what);
    }

    private double weight(String what) throws IOException {
        JsonToken t = p().currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw problem(
                    "\"" + what + "\" must be a number >= 0, such as the number of primaries, not " + p().getText());
        }
        double w = p().getDoubleValue();
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw problem("\"" + what + "\" must be a finite number >= 0, not " + p().getText());
        }
        return w;
    }

    private List<NamedArray> results() throws IOException {
        JsonParser p = p();
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw problem("\"results\" must be an object of named results: {NAME: {\"values\": [...]}}");
        }
        List<NamedArray> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (!SnapshotFiles.isValidName(name)) {
                throw problem(SnapshotFiles.nameProblem(name));
            }
            if (!seen.add(name)) {
                throw problem("result \"" + name + "\" appears twice");
            }
            p.nextToken();
            out.add(result(name));
        }
        if (out.isEmpty()) {
            throw problem("\"results\" is empty; give at least one named result");
        }
        return out;
    }

    private NamedArray result(String name) throws IOException {
        JsonParser p = p();
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw problem("result \"" + name + "\" must be an object with \"values\": [...]");
        }
        int startLine = p.currentLocation().getLineNr();
        double[] values = null;
        int[] shape = null;
        int shapeLine = 0;
        String unit = null;
        List<Axis> axes = List.of();
        int axesLine = 0;
        double weight = Double.NaN;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "values" -> values = numbers("\"" + name + "\".values");
                case "shape" -> {
                    shapeLine = p.currentLocation().getLineNr();
                    shape = shape(name);
                }
                case "unit" -> unit = text(name + ".unit");
                case "axes" -> {
                    axesLine = p.currentLocation().getLineNr();
                    axes = axes(name);
                }
                case "weight" -> weight = weight(name + ".weight");
                default ->
                    throw problem("unknown field \"" + field + "\" in result \"" + name + "\"; a result has"
                            + " \"values\", \"shape\", \"unit\", \"axes\" and \"weight\"");
            }
        }
        if (values == null) {
            throw new InvalidSnapshotException(source, startLine, "result \"" + name + "\" has no \"values\"");
        }
        if (shape == null) {
            shape = new int[] {values.length};
        } else {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            if (n != values.length) {
                throw new InvalidSnapshotException(
                        source,
                        shapeLine,
                        "\"" + name + "\".shape " + Arrays.toString(shape) + " holds " + n + " values but \"values\""
                                + " has " + values.length);
            }
        }
        try {
            return new NamedArray(name, shape, values, unit, axes, weight);
        } catch (IllegalArgumentException e) {
            throw new InvalidSnapshotException(source, axesLine, "\"" + name + "\": " + e.getMessage());
        }
    }

    private String text(String what) throws IOException {
        if (p().currentToken() != JsonToken.VALUE_STRING) {
            throw problem("\"" + what + "\" must be a string, not " + p().getText());
        }
        return p().getText();
    }

    private int[] shape(String name) throws IOException {
        JsonParser p = p();
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw problem("\"" + name + "\".shape must be a list of sizes such as [2, 3]");
        }
        List<Integer> dims = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
                    || p.getLongValue() < 0
                    || p.getLongValue() > Integer.MAX_VALUE) {
                throw problem("\"" + name + "\".shape must hold whole numbers >= 0, not " + p.getText());
            }
            dims.add(p.getIntValue());
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private List<Axis> axes(String name) throws IOException {
        JsonParser p = p();
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw problem("\"" + name + "\".axes must be a list of {\"name\", \"unit\", \"values\"}");
        }
        List<Axis> axes = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            int line = p.currentLocation().getLineNr();
            String axisName = null;
            String unit = null;
            double[] values = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "name" -> axisName = text(name + ".axes.name");
                    case "unit" -> unit = text(name + ".axes.unit");
                    case "values" -> values = numbers("\"" + name + "\".axes.values");
                    default ->
                        throw problem("unknown field \"" + field + "\" in an axis of \"" + name + "\"; an"
                                + " axis has \"name\", \"unit\" and \"values\"");
                }
            }
            if (axisName == null || values == null) {
                throw new InvalidSnapshotException(
                        source, line, "an axis of \"" + name + "\" needs a \"name\" and \"values\"");
            }
            axes.add(new Axis(axisName, unit, values));
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
            throw problem("\"" + name + "\".axes must be a list of {\"name\", \"unit\", \"values\"}");
        }
        return axes;
    }

    /** A flat list of numbers; "NaN", "Infinity" and "-Infinity" may be written as strings. */
    private double[] numbers(String what) throws IOException {
        JsonParser p = p();
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw problem(what + " must be a list of numbers");
        }
        double[] out = new double[64];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            double v;
            switch (t) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> v = p.getDoubleValue();
                case VALUE_STRING -> {
                    v = switch (p.getText()) {
                        case "NaN" -> Double.NaN;
                        case "Infinity" -> Double.POSITIVE_INFINITY;
                        case "-Infinity" -> Double.NEGATIVE_INFINITY;
                        default ->
                            throw problem(what + "[" + n + "] is the string \"" + p.getText()
                                    + "\"; only \"NaN\", \"Infinity\" and \"-Infinity\" may be strings");
                    };
                }
                case VALUE_NULL -> throw problem(what + "[" + n + "] is null; write \"NaN\" for a missing value");
                case START_ARRAY ->
                    throw problem(
                            what + " must be a flat list in row-major order; give the" + " dimensions in \"shape\"");
                default -> throw problem(what + "[" + n + "] is " + p.getText() + ", not a number");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[n++] = v;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
