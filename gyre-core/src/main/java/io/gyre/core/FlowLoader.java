package io.gyre.core;

import io.gyre.api.Flow;
import io.gyre.api.GyreException;
import io.gyre.api.MergeSpec;
import io.gyre.api.ParamSpec;
import io.gyre.api.TaskSpec;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads and validates a flow file.
 *
 * <p>Design: SnakeYAML only composes the file into a node tree (nodes carry their line and column); this class
 * interprets every scalar itself by the type the schema expects, so a text field keeps {@code no}, {@code on} or
 * {@code 1.0} as written and YAML 1.1's implicit booleans and numbers never leak into a flow. Reading never stops
 * at the first problem: each one is recorded as a located {@link Problem} and reading goes on with the rest, then
 * the dependency graph (unknown needs, cycles) is checked over whatever tasks could be read. A {@link Flow} is
 * built only when there are no problems at all; otherwise {@link InvalidFlowException} lists them in file order.
 *
 * <p>Invariants: every problem has a 1-based line and column pointing at the offending key or value (or at the
 * macro inside a string); a problem in one task never hides a problem in another; parameters are read before
 * anything that may reference them, wherever they appear in the file.
 *
 * <p>Each section has its own package-private reader, which reports through this class's problem sink and uses its
 * structure helpers: {@link ParamsReader}, {@link TaskGraphReader} (with {@link TaskReader} and {@link MatrixReader}
 * per task) and {@link MergeReader}; {@link ScalarReader} reads typed scalars and {@link MacroChecker} checks macros.
 */
public final class FlowLoader {
    private static final List<String> TOP_KEYS = List.of("name", "description", "params", "context", "tasks", "merge");
    /** Names other tools use for the same thing; a did-you-mean that edit distance alone would miss. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("depends_on", "needs"),
            Map.entry("depends-on", "needs"),
            Map.entry("dependencies", "needs"),
            Map.entry("after", "needs"),
            Map.entry("script", "run"),
            Map.entry("cmd", "command"),
            Map.entry("retry", "retries"),
            Map.entry("environment", "env"),
            Map.entry("trigger", "when"),
            Map.entry("integer", "int"),
            Map.entry("str", "string"),
            Map.entry("boolean", "bool"),
            Map.entry("number", "float"),
            Map.entry("double", "float"),
            Map.entry("array", "list"));

    static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199}");

    private final String file;
    private final String source;
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> paramNames = new LinkedHashSet<>();
    private final List<Problem> warnings = new ArrayList<>();
    private final MacroChecker macros = new MacroChecker(this, paramNames);
    private final ScalarReader scalars = new ScalarReader(this, macros);

    private String @Nullable [] lines;

    private FlowLoader(String file, String source) {
        this.file = file;
        this.source = source;
    }

    /** Reads and validates the flow in {@code file} (UTF-8); throws {@link InvalidFlowException} listing problems. */
    public static Flow load(Path file) {
        return loadWithWarnings(file).flow();
    }

    /**
     * Parses and validates a flow from {@code yaml}; {@code fileName} names it in problems. Throws
     * {@link InvalidFlowException} listing every problem found.
     */
    public static Flow parse(String yaml, String fileName) {
        return parseWithWarnings(yaml, fileName).flow();
    }

    /** A valid flow and the warnings found while reading it (such as an exclude that matches no point). */
    public record Loaded(Flow flow, List<Problem> warnings) {
        public Loaded {
            warnings = List.copyOf(warnings);
        }
    }

    /** Like {@link #load}, also returning warnings (problems that do not stop the flow), in file order. */
    public static Loaded loadWithWarnings(Path file) {
        if (!Files.exists(file)) {
            throw new GyreException(
                    "flow file " + file + " does not exist (check the path; examples are in examples/)");
        }
        if (Files.isDirectory(file)) {
            throw new GyreException(file + " is a directory; pass a flow file such as " + file.resolve("flow.yaml"));
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new GyreException("flow file " + file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw new GyreException("cannot read flow file " + file + ": " + e.getMessage(), e);
        }
        return parseWithWarnings(text, file.toString());
    }

    /** Like {@link #parse}, also returning warnings (problems that do not stop the flow), in file order. */
    public static Loaded parseWithWarnings(String yaml, String fileName) {
        FlowLoader loader = new FlowLoader(fileName, yaml);
        Flow flow = loader.read();
        if (flow == null || !loader.problems.isEmpty()) {
            throw new InvalidFlowException(sorted(loader.problems));
        }
        return new Loaded(flow, sorted(loader.warnings));
    }

    private static List<Problem> sorted(List<Problem> problems) {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        return sorted;
    }

    private @Nullable Flow read() {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(source));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String context = e.getContext() == null ? "" : e.getContext();
            add(
                    mark == null ? 1 : mark.getLine() + 1,
                    mark == null ? 1 : mark.getColumn() + 1,
                    "invalid YAML: " + e.getProblem(),
                    context);
            return null;
        } catch (YAMLException e) {
            add(1, 1, "invalid YAML: " + e.getMessage(), "");
            return null;
        }
        if (root == null || isNothing(root)) {
            add(1, 1, "the flow file is empty", "a flow needs at least 'name' and 'tasks'");
            return null;
        }
        if (!(root instanceof MappingNode)) {
            problem(root, "a flow file must be a mapping with 'name' and 'tasks', got " + kind(root), "");
            return null;
        }
        Map<String, NodeTuple> top = entries((MappingNode) root, "key", "at the top level");
        checkKeys(top, TOP_KEYS, "at the top level");

        List<ParamSpec> params = new ParamsReader(this).read(value(top, "params"));
        String name = "";
        Node nameNode = value(top, "name");
        if (nameNode == null) {
            problem(root, "missing required key 'name'", "add a line like 'name: my-flow'");
        } else {
            String text = scalars.text(nameNode, "name");
            if (text != null && (!ID.matcher(text).matches() || text.contains(".."))) {
                problem(nameNode, "invalid flow name '" + text + "'", nameRules());
            } else if (text != null) {
                name = text;
            }
        }
        String description = scalars.optionalText(value(top, "description"), "description", "");
        Map<String, String> context = scalars.stringMap(value(top, "context"), "context", "", true);
        List<TaskSpec> tasks = new TaskGraphReader(this).read(root, value(top, "tasks"));
        List<MergeSpec> merge = new MergeReader(this).read(value(top, "merge"));
        if (!problems.isEmpty()) {
            return null;
        }
        return new Flow(name, description, params, context, tasks, merge);
    }

    // ---------------------------------------------------------------- readers' shared parts

    /** The declared params' names, valid or not; filled by {@link ParamsReader}, read by the macro checks. */
    Set<String> paramNames() {
        return paramNames;
    }

    ScalarReader scalars() {
        return scalars;
    }

    MacroChecker macros() {
        return macros;
    }

    @Nullable
    String text(Node node, String what) {
        return scalars.text(node, what);
    }

    @Nullable
    Long integer(Node node, String what, long min, long max) {
        return scalars.integer(node, what, min, max);
    }

    // ---------------------------------------------------------------- structure

    Map<String, NodeTuple> entries(MappingNode mapping, String what, String where) {
        return entries(mapping, what, where, true);
    }

    /** The entries of a mapping by key, in order; reports non-scalar and (if asked) duplicate keys. */
    Map<String, NodeTuple> entries(MappingNode mapping, String what, String where, boolean report) {
        Map<String, NodeTuple> result = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node key = tuple.getKeyNode();
            if (!(key instanceof ScalarNode scalar)) {
                if (report) {
                    problem(key, "a " + what + " must be a plain name" + suffix(where) + ", got " + kind(key), "");
                }
                continue;
            }
            NodeTuple first = result.get(scalar.getValue());
            if (first != null) {
                if (report) {
                    problem(
                            key,
                            "duplicate " + what + " '" + scalar.getValue() + "'" + suffix(where),
                            "first defined at line "
                                    + (first.getKeyNode().getStartMark().getLine() + 1));
                }
                continue;
            }
            result.put(scalar.getValue(), tuple);
        }
        return result;
    }

    void checkKeys(Map<String, NodeTuple> entries, List<String> allowed, String where) {
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!allowed.contains(entry.getKey())) {
                problem(
                        entry.getValue().getKeyNode(),
                        "unknown key '" + entry.getKey() + "'" + suffix(where),
                        suggest(entry.getKey(), allowed, "allowed keys:"));
            }
        }
    }

    /** "did you mean 'x'?" if something is close (or a known alias), else the full list after {@code lead}. */
    static String suggest(String input, java.util.Collection<String> candidates, String lead) {
        String alias = ALIASES.get(input.toLowerCase(Locale.ROOT));
        if (alias != null && candidates.contains(alias)) {
            return "did you mean '" + alias + "'?";
        }
        String hint = Suggestions.hint(input, candidates);
        return hint.isEmpty() ? lead + " " + String.join(", ", candidates) : hint;
    }

    static @Nullable Node value(Map<String, NodeTuple> entries, String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? null : tuple.getValueNode();
    }

    /** An empty or null plain scalar ({@code key:} or {@code key: ~}): "nothing given". */
    static boolean isNothing(Node node) {
        return node instanceof ScalarNode scalar
                && scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
                && (scalar.getValue().isEmpty() || scalar.getValue().equals("~"));
    }

    static String kind(Node node) {
        if (isNothing(node)) {
            return "nothing";
        }
        return switch (node) {
            case ScalarNode scalar -> "'" + scalar.getValue() + "'";
            case SequenceNode sequence -> "a list";
            case MappingNode mapping -> "a mapping";
            default -> "a " + node.getNodeId();
        };
    }

    private static String suffix(String where) {
        return where.isEmpty() ? "" : " " + where;
    }

    static String nameRules() {
        return "use letters, digits, '_', '-' and '.', starting with a letter, digit or '_' (no '..')";
    }

    String[] sourceLines() {
        if (lines == null) {
            lines = source.split("\r\n|\r|\n", -1);
        }
        return lines;
    }

    void problem(Node node, String message, String hint) {
        Mark mark = node.getStartMark();
        add(mark.getLine() + 1, mark.getColumn() + 1, message, hint);
    }

    int problemCount() {
        return problems.size();
    }

    /** A problem at a line and column (1-based), for a spot inside a scalar. */
    void problemAt(int line, int column, String message, String hint) {
        add(line, column, message, hint);
    }

    /** A problem that does not stop the flow, such as an exclude that matches no point. */
    void warning(int line, int column, String message, String hint) {
        warnings.add(new Problem(file, line, column, message, hint));
    }

    private void add(int line, int column, String message, String hint) {
        problems.add(new Problem(file, line, column, message, hint));
    }
}
