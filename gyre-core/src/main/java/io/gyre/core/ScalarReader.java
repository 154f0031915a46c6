package io.gyre.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads the typed scalars of a flow for {@link FlowLoader} and its readers: every scalar is interpreted by the type
 * the schema expects ({@code no}, {@code on} or {@code 1.0} stay text where text is expected), and a value of the
 * wrong kind is reported, located, with {@code null} returned so reading goes on. Also reads the mappings of names to
 * text ({@code env}, {@code context}, {@code labels}), whose values are checked for macros by {@link MacroChecker}.
 */
final class ScalarReader {
    static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    static final Pattern FLOAT = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final String RESERVED_PREFIX = "GYRE_";

    private final FlowLoader loader;
    private final MacroChecker macros;

    ScalarReader(FlowLoader loader, MacroChecker macros) {
        this.loader = loader;
        this.macros = macros;
    }

    @Nullable
    String text(Node node, String what) {
        if (node instanceof ScalarNode scalar) {
            return FlowLoader.isNothing(scalar) ? "" : scalar.getValue();
        }
        loader.problem(node, what + " must be a string, got " + FlowLoader.kind(node), "");
        return null;
    }

    String optionalText(@Nullable Node node, String what, String fallback) {
        if (node == null) {
            return fallback;
        }
        String text = text(node, what);
        return text == null ? fallback : text;
    }

    @Nullable
    Long integer(Node node, String what, long min, long max) {
        if (!(node instanceof ScalarNode scalar)
                || !INT.matcher(scalar.getValue().strip()).matches()) {
            loader.problem(node, what + " must be an integer, got " + FlowLoader.kind(node), "");
            return null;
        }
        long value;
        try {
            value = Long.parseLong(scalar.getValue().strip());
        } catch (NumberFormatException e) {
            loader.problem(node, what + " is too large: '" + scalar.getValue() + "'", "at most " + max);
            return null;
        }
        if (value < min) {
            loader.problem(
                    node,
                    what + (min == 0 ? " must not be negative" : " must be at least " + min) + ", got '"
                            + scalar.getValue() + "'",
                    "");
            return null;
        }
        if (value > max) {
            loader.problem(node, what + " is too large: '" + scalar.getValue() + "'", "at most " + max);
            return null;
        }
        return value;
    }

    /** A non-negative number. */
    @Nullable
    Double number(Node node, String what) {
        if (!(node instanceof ScalarNode scalar)
                || !FLOAT.matcher(scalar.getValue().strip()).matches()) {
            loader.problem(node, what + " must be a number, got " + FlowLoader.kind(node), "");
            return null;
        }
        double value = Double.parseDouble(scalar.getValue().strip());
        if (value < 0 || !Double.isFinite(value)) {
            loader.problem(node, what + " must not be negative, got '" + scalar.getValue() + "'", "");
            return null;
        }
        return value;
    }

    @Nullable
    Boolean bool(Node node, String what) {
        if (node instanceof ScalarNode scalar) {
            switch (scalar.getValue()) {
                case "true", "True", "TRUE" -> {
                    return true;
                }
                case "false", "False", "FALSE" -> {
                    return false;
                }
                default -> {}
            }
        }
        loader.problem(
                node,
                what + " must be true or false, got " + FlowLoader.kind(node),
                "YAML 1.1 words such as yes, no, on and off are not booleans in Gyre");
        return null;
    }

    @Nullable
    Duration duration(Node node, String what) {
        String text = text(node, what);
        if (text == null) {
            return null;
        }
        if (text.strip().startsWith("-")) {
            loader.problem(node, what + " must not be negative, got '" + text + "'", "");
            return null;
        }
        try {
            return Quantities.duration(text);
        } catch (IllegalArgumentException e) {
            loader.problem(
                    node,
                    what + " must be a duration, got '" + text + "'",
                    e.getMessage() == null ? "" : e.getMessage());
            return null;
        }
    }

    /** A mapping of names to text values ({@code env}, {@code context}, {@code labels}); values may hold macros. */
    Map<String, String> stringMap(@Nullable Node node, String field, String where, boolean variables) {
        Map<String, String> result = new LinkedHashMap<>();
        String what = where.isEmpty() ? field : field + " " + where;
        if (node == null || FlowLoader.isNothing(node)) {
            return result;
        }
        if (!(node instanceof MappingNode mapping)) {
            loader.problem(node, what + " must be a mapping of names to values, got " + FlowLoader.kind(node), "");
            return result;
        }
        for (Map.Entry<String, NodeTuple> entry :
                loader.entries(mapping, "key", "in " + what).entrySet()) {
            String key = entry.getKey();
            Node keyNode = entry.getValue().getKeyNode();
            Node valueNode = entry.getValue().getValueNode();
            if (variables && !Macros.NAME.matcher(key).matches()) {
                loader.problem(
                        keyNode,
                        "invalid name '" + key + "' in " + what,
                        "names become environment variables: use letters, digits and '_', not starting with a digit");
                continue;
            }
            if (variables && key.startsWith(RESERVED_PREFIX)) {
                loader.problem(
                        keyNode,
                        "name '" + key + "' in " + what + " is reserved",
                        "names starting with " + RESERVED_PREFIX + " are set by Gyre");
                continue;
            }
            if (!variables && key.isEmpty()) {
                loader.problem(keyNode, "empty key in " + what, "");
                continue;
            }
            String value = text(valueNode, "the value of '" + key + "' in " + what);
            if (value != null) {
                if (variables) {
                    macros.check(valueNode, "'" + key + "' in " + what);
                }
                result.put(key, value);
            }
        }
        return result;
    }
}
