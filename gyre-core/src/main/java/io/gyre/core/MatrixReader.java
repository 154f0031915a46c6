package io.gyre.core;

import io.gyre.api.Sweep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads and validates one task's {@code matrix:} for {@link FlowLoader}, reporting every problem located through
 * it: empty or non-list values, paired lists of unequal length, a key declared twice (in the grid and a paired
 * group, or in two groups), {@code replicas} below 1, unknown keys (of the matrix, of include and exclude entries),
 * include entries missing a key, and keys whose environment variable name collides or is reserved.
 */
final class MatrixReader {
    static final List<String> MATRIX_KEYS = List.of("grid", "paired", "include", "exclude", "replicas");
    /** The keys of a dynamic grid key's source: {@code {from: task, file: name.json}}. */
    static final List<String> SOURCE_KEYS = List.of("from", "file");
    /** Letters, digits and '_', optionally dotted for nested (Hydra) keys: {@code model.depth}. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    private final FlowLoader loader;
    private final String task;
    private final String where;
    private final List<String> keys = new ArrayList<>();
    /** Where each key was declared: "grid" or "paired group N". */
    private final Map<String, String> owners = new HashMap<>();

    private final Map<String, Node> keyNodes = new HashMap<>();
    /** The dynamic grid keys ({@code key: {from: task}}) and the nodes of their {@code from:} values. */
    private final List<Matrix.Dynamic> dynamic = new ArrayList<>();

    private final List<Node> fromNodes = new ArrayList<>();

    MatrixReader(FlowLoader loader, String task) {
        this.loader = loader;
        this.task = task;
        this.where = "in the matrix of task '" + task + "'";
    }

    /** The name under which a key is a parameter: {@code model.depth} is {@code ${params.model_depth}}. */
    static String paramName(String key) {
        return key.replace('.', '_');
    }

    /** The environment variable of a key: {@code model.depth} is {@code MODEL_DEPTH}. */
    static String envName(String key) {
        return paramName(key).toUpperCase(Locale.ROOT);
    }

    /** The dynamic keys read, with {@link #fromNodes()} (for the loader's checks of the source tasks). */
    List<Matrix.Dynamic> dynamic() {
        return dynamic;
    }

    /** Where each dynamic key's {@code from:} was written, aligned with {@link #dynamic()}. */
    List<Node> fromNodes() {
        return fromNodes;
    }

    /** The keys read so far, even if the matrix is invalid (spares the user cascading "unknown param"s). */
    List<String> keys() {
        return keys;
    }

    @Nullable
    Matrix read(Node node, Sweep.Args args) {
        int before = loader.problemCount();
        if (!(node instanceof MappingNode mapping)) {
            loader.problem(
                    node,
                    "the matrix of task '" + task + "' must be a mapping {grid, paired, include, exclude, replicas}"
                            + ", got " + FlowLoader.kind(node),
                    "e.g. matrix: {grid: {lr: [0.1, 0.01]}}");
            return null;
        }
        Map<String, NodeTuple> e = loader.entries(mapping, "key", where);
        loader.checkKeys(e, MATRIX_KEYS, where);
        List<Matrix.Axis> axes = new ArrayList<>();
        Node grid = FlowLoader.value(e, "grid");
        if (grid != null) {
            grid(grid, axes);
        }
        Node paired = FlowLoader.value(e, "paired");
        if (paired != null) {
            paired(paired, axes);
        }
        List<String[]> include = new ArrayList<>();
        Node includeNode = FlowLoader.value(e, "include");
        if (includeNode != null && !dynamic.isEmpty()) {
            loader.problem(
                    includeNode,
                    "include " + where + " cannot be combined with grid key '"
                            + keys.get(dynamic.getFirst().key()) + "', whose values come from task '"
                            + dynamic.getFirst().task() + "'",
                    "an included point needs a value for every key, and those values are known only at run time");
        } else if (includeNode != null) {
            include(includeNode, include);
        }
        List<Matrix.Exclusion> exclude = new ArrayList<>();
        Node excludeNode = FlowLoader.value(e, "exclude");
        if (excludeNode != null) {
            exclude(excludeNode, exclude);
        }
        int replicas = 0;
        Node replicasNode = FlowLoader.value(e, "replicas");
        if (replicasNode != null) {
            Long r = loader.integer(replicasNode, "replicas " + where, 1, SweepExpander.MAX_INSTANCES);
            replicas = r == null ? 0 : r.intValue();
        }
        if (keys.isEmpty() && include.isEmpty() && loader.problemCount() == before) {
            loader.problem(
                    node,
                    "the matrix of task '" + task + "' has no points",
                    "add grid: {key: [values]}, paired: [...] or include: [...]");
        }
        checkNames(replicas > 0);
        if (loader.problemCount() != before) {
            return null;
        }
        return new Matrix(keys, axes, include, exclude, replicas, args, dynamic);
    }

    private void grid(Node node, List<Matrix.Axis> axes) {
        if (!(node instanceof MappingNode mapping) || mapping.getValue().isEmpty()) {
            loader.problem(
                    node,
                    "grid " + where + " must be a mapping of keys to lists of values, got " + FlowLoader.kind(node),
                    "e.g. grid: {lr: [0.1, 0.01], bs: [16, 32]}");
            return;
        }
        for (Map.Entry<String, NodeTuple> entry :
                loader.entries(mapping, "key", "in grid " + where).entrySet()) {
            Node keyNode = entry.getValue().getKeyNode();
            if (!declare(entry.getKey(), keyNode, "grid")) {
                continue;
            }
            if (entry.getValue().getValueNode() instanceof MappingNode source) {
                dynamic(entry.getKey(), source, axes.size());
                continue;
            }
            String[] values = values(entry.getValue().getValueNode(), "grid key '" + entry.getKey() + "' " + where);
            if (values != null) {
                String[][] rows = new String[values.length][];
                for (int i = 0; i < values.length; i++) {
                    rows[i] = new String[] {values[i]};
                }
                axes.add(new Matrix.Axis(new int[] {keys.indexOf(entry.getKey())}, rows));
            }
        }
    }

    /** A grid key whose values are a JSON list written by another task: {@code input: {from: list, file: f}}. */
    private void dynamic(String key, MappingNode node, int axis) {
        String what = "grid key '" + key + "' " + where;
        Map<String, NodeTuple> e = loader.entries(node, "key", "in " + what);
        loader.checkKeys(e, SOURCE_KEYS, "in " + what);
        Node from = FlowLoader.value(e, "from");
        if (from == null) {
            loader.problem(
                    node,
                    what + " is a mapping without from:",
                    "give a list of values, or take them from a task: {from: list_inputs, file: inputs.json}");
            return;
        }
        String task = loader.text(from, "from in " + what);
        String file = key + ".json";
        Node fileNode = FlowLoader.value(e, "file");
        if (fileNode != null) {
            String f = loader.text(fileNode, "file in " + what);
            if (f != null && !relative(f)) {
                loader.problem(
                        fileNode,
                        "file '" + f + "' in " + what + " must be a relative path inside the task's working directory",
                        "e.g. file: inputs.json or file: out/inputs.json (no leading /, no ..)");
                return;
            }
            if (f == null) {
                return;
            }
            file = f;
        }
        if (task == null) {
            return;
        }
        dynamic.add(new Matrix.Dynamic(keys.indexOf(key), axis, task, file));
        fromNodes.add(from);
    }

    private static boolean relative(String file) {
        if (file.isBlank() || file.startsWith("/") || file.contains("\\") || file.contains("\0")) {
            return false;
        }
        for (String part : file.split("/")) {
            if (part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private void paired(Node node, List<Matrix.Axis> axes) {
        List<Node> groups;
        if (node instanceof SequenceNode sequence && !sequence.getValue().isEmpty()) {
            groups = sequence.getValue();
        } else if (node instanceof MappingNode) {
            groups = List.of(node); // one group written without the list
        } else {
            loader.problem(
                    node,
                    "paired " + where + " must be a list of groups (mappings of keys to lists), got "
                            + FlowLoader.kind(node),
                    "e.g. paired: [{opt: [adam, sgd], mom: [0.9, 0.95]}]");
            return;
        }
        for (int g = 0; g < groups.size(); g++) {
            String group = "paired group " + (g + 1);
            Node groupNode = groups.get(g);
            if (!(groupNode instanceof MappingNode mapping)
                    || mapping.getValue().isEmpty()) {
                loader.problem(
                        groupNode,
                        group + " " + where + " must be a mapping of keys to lists, got " + FlowLoader.kind(groupNode),
                        "e.g. {opt: [adam, sgd], mom: [0.9, 0.95]}");
                continue;
            }
            List<String> names = new ArrayList<>();
            List<String[]> columns = new ArrayList<>();
            boolean ok = true;
            for (Map.Entry<String, NodeTuple> entry :
                    loader.entries(mapping, "key", "in " + group + " " + where).entrySet()) {
                if (!declare(entry.getKey(), entry.getValue().getKeyNode(), group)) {
                    ok = false;
                    continue;
                }
                if (entry.getValue().getValueNode() instanceof MappingNode m
                        && m.getValue().stream()
                                .anyMatch(t -> t.getKeyNode() instanceof ScalarNode k
                                        && k.getValue().equals("from"))) {
                    loader.problem(
                            entry.getValue().getValueNode(),
                            "key '" + entry.getKey() + "' in " + group + " " + where
                                    + " takes its values from a task, which only a grid key can",
                            "move it to grid:; a paired group zips lists whose lengths are known when the flow is read");
                    ok = false;
                    continue;
                }
                String[] values =
                        values(entry.getValue().getValueNode(), group + " key '" + entry.getKey() + "' " + where);
                if (values == null) {
                    ok = false;
                    continue;
                }
                names.add(entry.getKey());
                columns.add(values);
            }
            if (!ok || columns.isEmpty()) {
                continue;
            }
            int length = columns.getFirst().length;
            if (columns.stream().anyMatch(c -> c.length != length)) {
                List<String> lengths = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    lengths.add(names.get(i) + " has " + columns.get(i).length);
                }
                loader.problem(
                        groupNode,
                        group + " (" + String.join(", ", names) + ") " + where + " has lists of unequal length: "
                                + String.join(", ", lengths),
                        "paired lists are zipped: give every key of a group the same number of values");
                continue;
            }
            int[] keyIndexes = names.stream().mapToInt(keys::indexOf).toArray();
            String[][] rows = new String[length][names.size()];
            for (int r = 0; r < length; r++) {
                for (int k = 0; k < names.size(); k++) {
                    rows[r][k] = columns.get(k)[r];
                }
            }
            axes.add(new Matrix.Axis(keyIndexes, rows));
        }
    }

    private void include(Node node, List<String[]> include) {
        List<MappingNode> entries = entryList(node, "include");
        for (MappingNode entry : entries) {
            Map<String, NodeTuple> e = loader.entries(entry, "key", "in an include entry " + where);
            if (keys.isEmpty() && owners.isEmpty()) { // no grid or paired: the first entry defines the keys
                for (Map.Entry<String, NodeTuple> k : e.entrySet()) {
                    declare(k.getKey(), k.getValue().getKeyNode(), "include");
                }
            }
            String[] point = new String[keys.size()];
            boolean ok = true;
            for (Map.Entry<String, NodeTuple> k : e.entrySet()) {
                int i = keys.indexOf(k.getKey());
                if (i < 0) {
                    unknownKey(k.getKey(), k.getValue().getKeyNode(), "an include entry");
                    ok = false;
                    continue;
                }
                String value = value(k.getValue().getValueNode(), "include key '" + k.getKey() + "' " + where);
                if (value == null) {
                    ok = false;
                } else {
                    point[i] = value;
                }
            }
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                if (point[i] == null) {
                    missing.add(keys.get(i));
                }
            }
            if (ok && !missing.isEmpty()) {
                loader.problem(
                        entry,
                        "an include entry " + where + " gives no value for " + quoted(missing),
                        "an included point needs a value for every key: " + String.join(", ", keys));
                ok = false;
            }
            if (ok) {
                include.add(point);
            }
        }
    }

    private void exclude(Node node, List<Matrix.Exclusion> exclude) {
        for (MappingNode entry : entryList(node, "exclude")) {
            Map<String, NodeTuple> e = loader.entries(entry, "key", "in an exclude entry " + where);
            int[] idx = new int[e.size()];
            String[] values = new String[e.size()];
            int n = 0;
            boolean ok = !e.isEmpty();
            List<String> text = new ArrayList<>();
            for (Map.Entry<String, NodeTuple> k : e.entrySet()) {
                int i = keys.indexOf(k.getKey());
                if (i < 0) {
                    unknownKey(k.getKey(), k.getValue().getKeyNode(), "an exclude entry");
                    ok = false;
                    continue;
                }
                if (dynamic.stream().anyMatch(d -> d.key() == i)) {
                    loader.problem(
                            k.getValue().getKeyNode(),
                            "an exclude entry " + where + " names '" + k.getKey()
                                    + "', whose values come from a task at run time",
                            "exclude only static keys; filter the list in the task that writes it");
                    ok = false;
                    continue;
                }
                String value = value(k.getValue().getValueNode(), "exclude key '" + k.getKey() + "' " + where);
                if (value == null) {
                    ok = false;
                    continue;
                }
                idx[n] = i;
                values[n++] = value;
                text.add(k.getKey() + ": " + value);
            }
            if (e.isEmpty()) {
                loader.problem(entry, "an exclude entry " + where + " is empty", "it would exclude every point");
            }
            if (ok) {
                exclude.add(new Matrix.Exclusion(
                        idx,
                        values,
                        entry.getStartMark().getLine() + 1,
                        entry.getStartMark().getColumn() + 1,
                        "{" + String.join(", ", text) + "}"));
            }
        }
    }

    /** A list of mappings ({@code include:}, {@code exclude:}). */
    private List<MappingNode> entryList(Node node, String field) {
        List<MappingNode> result = new ArrayList<>();
        if (!(node instanceof SequenceNode sequence)) {
            loader.problem(
                    node,
                    field + " " + where + " must be a list of mappings of keys to values, got " + FlowLoader.kind(node),
                    "e.g. " + field + ": [{lr: 0.1, bs: 32}]");
            return result;
        }
        for (Node item : sequence.getValue()) {
            if (item instanceof MappingNode m) {
                result.add(m);
            } else {
                loader.problem(
                        item,
                        "each " + field + " entry " + where + " must be a mapping of keys to values, got "
                                + FlowLoader.kind(item),
                        "");
            }
        }
        return result;
    }

    /** Declares a key of the grid or of a paired group; reports invalid names and keys declared twice. */
    private boolean declare(String key, Node keyNode, String owner) {
        if (!KEY.matcher(key).matches()) {
            loader.problem(
                    keyNode,
                    "invalid matrix key '" + key + "' " + where,
                    "use letters, digits and '_' (not starting with a digit), dotted for nested keys: model.depth");
            return false;
        }
        String first = owners.putIfAbsent(key, owner);
        if (first != null) {
            loader.problem(
                    keyNode,
                    "key '" + key + "' " + where + " is in both " + first + " and " + owner,
                    "a key can vary in one place only: the grid or one paired group");
            return false;
        }
        keys.add(key);
        keyNodes.put(key, keyNode);
        return true;
    }

    private void unknownKey(String key, Node keyNode, String entry) {
        loader.problem(
                keyNode,
                "unknown key '" + key + "' in " + entry + " " + where,
                FlowLoader.suggest(key, keys, "matrix keys:"));
    }

    /** A non-empty list of values. */
    private String @Nullable [] values(Node node, String what) {
        if (!(node instanceof SequenceNode sequence)) {
            loader.problem(
                    node,
                    what + " must be a list of values, got " + FlowLoader.kind(node),
                    node instanceof ScalarNode s && !FlowLoader.isNothing(s)
                            ? "write [" + s.getValue() + "] for a single value"
                            : "e.g. [0.1, 0.01]");
            return null;
        }
        if (sequence.getValue().isEmpty()) {
            loader.problem(node, what + " has no values", "give at least one value, or remove the key");
            return null;
        }
        String[] values = new String[sequence.getValue().size()];
        for (int i = 0; i < values.length; i++) {
            String v = value(sequence.getValue().get(i), "a value of " + what);
            if (v == null) {
                return null;
            }
            values[i] = v;
        }
        return values;
    }

    /** One value: a scalar as written ({@code null} for nothing), or a list as {@code [a,b]}. */
    private @Nullable String value(Node node, String what) {
        if (node instanceof ScalarNode scalar) {
            return FlowLoader.isNothing(scalar) ? "null" : scalar.getValue();
        }
        if (node instanceof SequenceNode sequence) {
            List<String> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                String v = value(item, what);
                if (v == null) {
                    return null;
                }
                items.add(item instanceof SequenceNode ? v : HydraArgs.scalar(v));
            }
            return HydraArgs.list(items);
        }
        loader.problem(node, what + " must be a value or a list of values, got " + FlowLoader.kind(node), "");
        return null;
    }

    /** Keys whose environment variables collide with each other or with names Gyre sets. */
    private void checkNames(boolean replicas) {
        Map<String, String> byEnv = new HashMap<>();
        Set<String> reported = new LinkedHashSet<>();
        for (String key : keys) {
            String env = envName(key);
            String other = byEnv.putIfAbsent(env, key);
            Node at = java.util.Objects.requireNonNull(keyNodes.get(key));
            if (env.startsWith("GYRE_")) {
                loader.problem(
                        at, "matrix key '" + key + "' " + where + " is reserved", "GYRE_* variables are set by Gyre");
            } else if (replicas && Macros.POINT_MACROS.contains(env)) {
                loader.problem(
                        at,
                        "matrix key '" + key + "' " + where + " collides with $" + env + " of the replicas",
                        "rename the key");
            } else if (other != null && reported.add(env)) {
                loader.problem(
                        at,
                        "matrix keys '" + other + "' and '" + key + "' " + where + " are both $" + env,
                        "rename one of them");
            }
        }
    }

    private static String quoted(List<String> names) {
        return names.stream()
                .map(n -> "'" + n + "'")
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
    }
}
