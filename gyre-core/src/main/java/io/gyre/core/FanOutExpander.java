package io.gyre.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gyre.api.GyreException;
import io.gyre.api.TaskId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Expands a dynamic sweep once its lists are known: reads each JSON list, turns it into an axis (object items
 * make one dotted key per field, as static nested keys do) and hands the completed {@link Matrix} to
 * {@link SweepExpander}, so numbering, hashes and seeds are those of a static sweep with the same values.
 *
 * <p>Every way a list can be wrong is a {@link GyreException} whose message names the task, the key, the file and
 * the item; the engine fails the swept task with it.
 */
final class FanOutExpander {
    /** The most instances one dynamic sweep may add to a run (they are created at once, in one store call). */
    static final long MAX_INSTANCES = 100_000;

    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final ObjectMapper LISTS = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private FanOutExpander() {}

    /** Parses the lists read from the sources' files, in {@link Matrix#dynamic()} order. */
    static List<JsonNode> parse(DynamicSweep sweep, List<String> texts) {
        List<JsonNode> lists = new ArrayList<>(texts.size());
        for (int s = 0; s < texts.size(); s++) {
            Matrix.Dynamic d = sweep.matrix().dynamic().get(s);
            JsonNode list;
            try {
                list = LISTS.readTree(texts.get(s));
            } catch (JsonProcessingException e) {
                throw new GyreException(
                        source(sweep, d) + " is not valid JSON: " + e.getOriginalMessage() + " (line "
                                + e.getLocation().getLineNr() + ", column "
                                + e.getLocation().getColumnNr() + ")",
                        e);
            }
            if (list == null || list.isMissingNode()) {
                throw new GyreException(source(sweep, d) + " is empty; write a JSON list such as [\"a\", \"b\"]");
            }
            if (!list.isArray()) {
                throw new GyreException(source(sweep, d) + " must be a JSON list, got " + kind(list)
                        + "; write a list such as [\"a\", \"b\"]");
            }
            lists.add(list);
        }
        return lists;
    }

    /** The lists of an expansion recorded by {@link #record}. */
    static List<JsonNode> recorded(DynamicSweep sweep, String recorded) {
        try {
            JsonNode doc = LISTS.readTree(recorded);
            List<JsonNode> lists = new ArrayList<>();
            for (JsonNode source : doc.path("sources")) {
                lists.add(source.path("values"));
            }
            if (lists.size() != sweep.matrix().dynamic().size()) {
                throw new GyreException("the recorded expansion of task '" + sweep.task() + "' has " + lists.size()
                        + " lists, but its matrix has "
                        + sweep.matrix().dynamic().size() + " dynamic keys");
            }
            return lists;
        } catch (JsonProcessingException e) {
            throw new GyreException(
                    "the recorded expansion of task '" + sweep.task() + "' is not readable: " + e.getOriginalMessage(),
                    e);
        }
    }

    /** The document recording an expansion: each source and its list, as read. */
    static String record(DynamicSweep sweep, List<JsonNode> lists) {
        ObjectNode doc = LISTS.createObjectNode();
        doc.put("task", sweep.task().value());
        ArrayNode sources = doc.putArray("sources");
        for (int s = 0; s < lists.size(); s++) {
            Matrix.Dynamic d = sweep.matrix().dynamic().get(s);
            ObjectNode source = sources.addObject();
            source.put("key", sweep.matrix().keys().get(d.key()));
            source.put("from", d.task());
            source.put("file", d.file());
            source.set("values", lists.get(s));
        }
        try {
            return LISTS.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n";
        } catch (JsonProcessingException e) {
            throw new GyreException("cannot record the expansion of task '" + sweep.task() + "': " + e.getMessage(), e);
        }
    }

    /** The instances of the sweep for these lists (in {@link Matrix#dynamic()} order). */
    static SweepExpander.Expansion expand(DynamicSweep sweep, List<JsonNode> lists) {
        Matrix m = sweep.matrix();
        List<List<String>> fields = new ArrayList<>();
        List<String[][]> rows = new ArrayList<>();
        for (int s = 0; s < lists.size(); s++) {
            Matrix.Dynamic d = m.dynamic().get(s);
            List<String> names = new ArrayList<>();
            rows.add(rows(sweep, d, lists.get(s), names));
            fields.add(names);
        }
        // The completed key list: a dynamic key with object items becomes its dotted fields, in its place.
        List<String> keys = new ArrayList<>();
        int[] newIndex = new int[m.keys().size()];
        int[][] dynamicKeys = new int[lists.size()][];
        for (int k = 0; k < m.keys().size(); k++) {
            newIndex[k] = keys.size();
            int s = sourceOf(m, k);
            if (s < 0) {
                keys.add(m.keys().get(k));
                continue;
            }
            List<String> names = fields.get(s);
            dynamicKeys[s] = new int[Math.max(1, names.size())];
            if (names.isEmpty()) {
                dynamicKeys[s][0] = keys.size();
                keys.add(m.keys().get(k));
            } else {
                for (int f = 0; f < names.size(); f++) {
                    dynamicKeys[s][f] = keys.size();
                    keys.add(m.keys().get(k) + "." + names.get(f));
                }
            }
        }
        checkNames(sweep, keys);
        List<Matrix.Axis> axes = new ArrayList<>();
        int next = 0;
        for (int a = 0; a <= m.axes().size(); a++) {
            while (next < m.dynamic().size() && m.dynamic().get(next).axis() == a) {
                axes.add(new Matrix.Axis(dynamicKeys[next], rows.get(next)));
                next++;
            }
            if (a < m.axes().size()) {
                Matrix.Axis axis = m.axes().get(a);
                axes.add(new Matrix.Axis(remap(axis.keys, newIndex), axis.rows));
            }
        }
        List<Matrix.Exclusion> exclude = new ArrayList<>();
        for (Matrix.Exclusion x : m.exclude()) {
            exclude.add(new Matrix.Exclusion(remap(x.keys, newIndex), x.values, x.line, x.column, x.text));
        }
        Matrix full = new Matrix(keys, axes, List.of(), exclude, m.replicas(), m.args(), List.of());
        long product = full.productSize();
        long instances = product == Long.MAX_VALUE ? product : product * Math.max(1, m.replicas());
        if (instances > MAX_INSTANCES || instances < 0) {
            throw new GyreException("the matrix of task '" + sweep.task() + "' expands to more than " + MAX_INSTANCES
                    + " tasks (" + sizes(sweep, lists) + "); a dynamic sweep may have at most " + MAX_INSTANCES
                    + ": write a shorter list, or split the work into batches per item");
        }
        if (product == 0) { // an empty list: a sweep of no points, which succeeds with nothing to do
            return new SweepExpander.Expansion(
                    new io.gyre.api.Sweep(sweep.task(), keys, 0, m.replicas(), m.args()),
                    new TaskId[0],
                    new io.gyre.api.SweepPoint[0]);
        }
        SweepExpander.Count count = SweepExpander.count(full);
        return SweepExpander.expand(sweep.task(), full, count);
    }

    /** The rows of one dynamic axis; {@code names} receives the object fields (none for scalar items). */
    private static String[][] rows(DynamicSweep sweep, Matrix.Dynamic d, JsonNode list, List<String> names) {
        int n = list.size();
        if (n == 0) {
            return new String[0][];
        }
        boolean objects = list.get(0).isObject();
        if (objects) {
            flatten("", list.get(0), new LinkedHashMap<>(), sweep, d, 1)
                    .keySet()
                    .forEach(names::add);
        }
        String[][] rows = new String[n][];
        for (int i = 0; i < n; i++) {
            JsonNode item = list.get(i);
            if (item.isObject() != objects) {
                throw new GyreException(source(sweep, d) + ": item " + (i + 1) + " is " + kind(item) + " but item 1 is "
                        + kind(list.get(0)) + "; the items must be all values or all objects");
            }
            if (!objects) {
                rows[i] = new String[] {value(item, sweep, d, i + 1)};
                continue;
            }
            Map<String, String> flat = flatten("", item, new LinkedHashMap<>(), sweep, d, i + 1);
            if (!flat.keySet().equals(new java.util.HashSet<>(names))) {
                throw new GyreException(source(sweep, d) + ": item " + (i + 1) + " has the fields " + flat.keySet()
                        + " but item 1 has " + names + "; every object needs the same fields");
            }
            String[] row = new String[names.size()];
            for (int f = 0; f < row.length; f++) {
                row[f] = java.util.Objects.requireNonNull(flat.get(names.get(f)));
            }
            rows[i] = row;
        }
        return rows;
    }

    /** An object item as dotted fields: {@code {"a": {"b": 1}}} is {@code a.b = 1}. */
    private static Map<String, String> flatten(
            String prefix, JsonNode object, Map<String, String> out, DynamicSweep sweep, Matrix.Dynamic d, int item) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (!FIELD.matcher(field.getKey()).matches()) {
                throw new GyreException(source(sweep, d) + ": item " + item + " has the field '" + field.getKey()
                        + "', which is not a valid key; use letters, digits and '_' (not starting with a digit)");
            }
            String name = prefix + field.getKey();
            if (field.getValue().isObject()) {
                if (field.getValue().isEmpty()) {
                    throw new GyreException(
                            source(sweep, d) + ": item " + item + " has the empty object '" + name + "'");
                }
                flatten(name + ".", field.getValue(), out, sweep, d, item);
            } else {
                out.put(name, value(field.getValue(), sweep, d, item));
            }
        }
        if (out.isEmpty()) {
            throw new GyreException(source(sweep, d) + ": item " + item + " is an empty object");
        }
        return out;
    }

    /** A value as a static sweep writes it: text as is, numbers as written, null, lists {@code [a,b]}. */
    private static String value(JsonNode node, DynamicSweep sweep, Matrix.Dynamic d, int item) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isBigDecimal()) {
            return node.decimalValue().toPlainString();
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode e : node) {
                if (e.isContainerNode()) {
                    throw new GyreException(source(sweep, d) + ": item " + item
                            + " holds a nested list or object inside a list, which a sweep value cannot be");
                }
                items.add(HydraArgs.scalar(value(e, sweep, d, item)));
            }
            return HydraArgs.list(items);
        }
        throw new GyreException(source(sweep, d) + ": item " + item + " is " + kind(node) + ", not a value");
    }

    /** Dotted fields and static keys must still make distinct, unreserved variable names. */
    private static void checkNames(DynamicSweep sweep, List<String> keys) {
        Map<String, String> byEnv = new HashMap<>();
        boolean replicas = sweep.matrix().replicas() > 0;
        for (String key : keys) {
            String env = MatrixReader.envName(key);
            String other = byEnv.putIfAbsent(env, key);
            if (env.startsWith("GYRE_") || replicas && Macros.POINT_MACROS.contains(env)) {
                throw new GyreException("the matrix of task '" + sweep.task() + "' gets the key '" + key
                        + "' from its list, whose variable $" + env + " is reserved; rename the field");
            }
            if (other != null) {
                throw new GyreException("the matrix of task '" + sweep.task() + "' gets the keys '" + other + "' and '"
                        + key + "', which are both $" + env + "; rename one of them");
            }
        }
    }

    private static int sourceOf(Matrix m, int key) {
        for (int s = 0; s < m.dynamic().size(); s++) {
            if (m.dynamic().get(s).key() == key) {
                return s;
            }
        }
        return -1;
    }

    private static int[] remap(int[] keys, int[] newIndex) {
        int[] out = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            out[i] = newIndex[keys[i]];
        }
        return out;
    }

    private static String sizes(DynamicSweep sweep, List<JsonNode> lists) {
        List<String> parts = new ArrayList<>();
        for (int s = 0; s < lists.size(); s++) {
            parts.add(lists.get(s).size() + " items in "
                    + sweep.matrix().dynamic().get(s).file());
        }
        return String.join(", ", parts);
    }

    /** {@code the list for key 'input' of task 'process' (inputs.json of task 'list_inputs')}. */
    static String source(DynamicSweep sweep, Matrix.Dynamic d) {
        return "the list for key '" + sweep.matrix().keys().get(d.key()) + "' of task '" + sweep.task() + "' ("
                + d.file() + " of task '" + d.task() + "')";
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BINARY, MISSING, POJO -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** The task whose working directory holds the list of dynamic key {@code s}. */
    static TaskId sourceTask(DynamicSweep sweep, int s) {
        return TaskId.of(sweep.matrix().dynamic().get(s).task());
    }
}
