package io.gyre.core;

import io.gyre.api.Flow;
import io.gyre.api.ParamSpec;
import io.gyre.api.ParamType;
import io.gyre.api.ParamValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Binds a flow's declared parameters to their values: defaults, then {@code -p name=value} overrides. */
public final class Params {
    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private Params() {}

    /**
     * The value of every parameter that has one, in declaration order: the override when given, else the default.
     * An optional parameter without default and without override has no entry. All problems (unknown names, missing
     * required parameters, values of the wrong type) are reported together in one {@link InvalidInputException}.
     */
    public static Map<String, ParamValue> bind(Flow flow, Map<String, String> overrides) {
        List<String> problems = new ArrayList<>();
        Map<String, ParamSpec> declared = new LinkedHashMap<>();
        for (ParamSpec spec : flow.params()) {
            declared.put(spec.name(), spec);
        }
        for (String name : overrides.keySet()) {
            if (!declared.containsKey(name)) {
                String hint = Suggestions.hint(name, declared.keySet());
                problems.add("unknown param '" + name + "' for flow '" + flow.name() + "' ("
                        + (hint.isEmpty()
                                ? declared.isEmpty()
                                        ? "the flow declares no params"
                                        : "declared: " + String.join(", ", declared.keySet())
                                : hint)
                        + ")");
            }
        }
        Map<String, ParamValue> bound = new LinkedHashMap<>();
        for (ParamSpec spec : declared.values()) {
            String given = overrides.get(spec.name());
            if (given != null) {
                ParamValue value = parse(spec.type(), given);
                if (value == null) {
                    problems.add(typeMismatch(spec.name(), spec.type(), given));
                } else {
                    bound.put(spec.name(), value);
                }
            } else if (spec.defaultValue() != null) {
                bound.put(spec.name(), spec.defaultValue());
            } else if (spec.required()) {
                problems.add("param '" + spec.name() + "' (" + spec.type().wireName() + ") is required: pass -p "
                        + spec.name() + "=VALUE");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return bound;
    }

    /**
     * Parses {@code KEY=VALUE} strings given to {@code optionName} (such as {@code -p} or {@code --set}); the value
     * may be empty or hold further '='. A later assignment of a key replaces an earlier one.
     */
    public static Map<String, String> parseAssignments(List<String> assignments, String optionName) {
        List<String> problems = new ArrayList<>();
        Map<String, String> result = new LinkedHashMap<>();
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            if (eq < 0) {
                problems.add(optionName + " '" + assignment + "': expected KEY=VALUE");
                continue;
            }
            String key = assignment.substring(0, eq).strip();
            if (!Macros.NAME.matcher(key).matches()) {
                problems.add(optionName + " '" + assignment + "': '" + key
                        + "' is not a valid name (letters, digits and '_', not starting with a digit)");
                continue;
            }
            result.put(key, assignment.substring(eq + 1));
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return result;
    }

    static String typeMismatch(String name, ParamType type, String text) {
        String article = type == ParamType.INT ? "an " : "a ";
        return "param '" + name + "' is " + type.wireName() + "; '" + text + "' is not " + article + type.wireName();
    }

    /**
     * Parses {@code text} as a value of {@code type}, or null if it is not one. Booleans accept true/false, yes/no,
     * on/off and 1/0 (the type is declared, so nothing leaks); lists are comma-separated, optionally in brackets
     * with optionally quoted items: {@code a,b} or {@code [a, "b"]}.
     */
    static @Nullable ParamValue parse(ParamType type, String text) {
        String t = text.strip();
        return switch (type) {
            case STRING -> new ParamValue.Text(text);
            case INT -> {
                if (!INT.matcher(t).matches()) {
                    yield null;
                }
                try {
                    yield new ParamValue.Int(Long.parseLong(t));
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
            case FLOAT -> FLOAT.matcher(t).matches() ? new ParamValue.Float(Double.parseDouble(t)) : null;
            case BOOL ->
                switch (t.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "on", "1" -> new ParamValue.Bool(true);
                    case "false", "no", "off", "0" -> new ParamValue.Bool(false);
                    default -> null;
                };
            case LIST -> parseList(t);
        };
    }

    private static @Nullable ParamValue parseList(String text) {
        String t = text;
        if (t.startsWith("[")) {
            if (!t.endsWith("]")) {
                return null;
            }
            t = t.substring(1, t.length() - 1).strip();
        }
        if (t.isEmpty()) {
            return new ParamValue.Items(List.of());
        }
        List<String> items = new ArrayList<>();
        for (String raw : t.split(",", -1)) {
            String item = raw.strip();
            if (item.length() >= 2
                    && (item.startsWith("\"") && item.endsWith("\"") || item.startsWith("'") && item.endsWith("'"))) {
                item = item.substring(1, item.length() - 1);
            }
            items.add(item);
        }
        return new ParamValue.Items(items);
    }
}
