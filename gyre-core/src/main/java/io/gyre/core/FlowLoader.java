package io.gyre.core;

import io.gyre.api.Action;
import io.gyre.api.Backoff;
import io.gyre.api.Flow;
import io.gyre.api.GyreException;
import io.gyre.api.MergeSpec;
import io.gyre.api.ParamSpec;
import io.gyre.api.ParamType;
import io.gyre.api.ParamValue;
import io.gyre.api.QueueName;
import io.gyre.api.Resources;
import io.gyre.api.RetryPolicy;
import io.gyre.api.Sweep;
import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import io.gyre.api.Trigger;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 */
public final class FlowLoader {
    private static final List<String> TOP_KEYS = List.of("name", "description", "params", "context", "tasks", "merge");
    private static final List<String> TASK_KEYS = List.of(
            "description",
            "run",
            "command",
            "needs",
            "env",
            "when",
            "retries",
            "timeout",
            "queue",
            "labels",
            "resources",
            "matrix",
            "args");
    private static final List<String> ARGS = List.of("hydra");
    private static final List<String> RETRY_KEYS = List.of("max", "delay", "backoff", "max-delay", "jitter");
    private static final List<String> RESOURCE_KEYS = List.of("cpu", "memory", "gpu");
    private static final List<String> PARAM_KEYS = List.of("type", "default", "required", "description");
    private static final List<String> TYPES = List.of("string", "int", "float", "bool", "list");
    private static final List<String> WHEN = List.of("success", "always");
    private static final List<String> BACKOFFS = List.of("fixed", "exponential");
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

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199}");
    /** A need naming one instance of a swept task: {@code train[0003]} (or {@code train[3]}). */
    private static final Pattern INSTANCE = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199})\\[([0-9]{1,9})\\]");

    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final String RESERVED_PREFIX = "GYRE_";
    private static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(5);

    private final String file;
    private final String source;
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> paramNames = new LinkedHashSet<>();
    private final List<Problem> warnings = new ArrayList<>();
    /** The swept tasks' matrices and where they were written, by task id. */
    private final Map<String, Matrix> matrices = new HashMap<>();

    private final Map<String, Node> matrixNodes = new HashMap<>();
    /** Needs naming one instance ({@code train[3]}), by the need as written; checked once sweeps are counted. */
    private final Map<String, List<Node>> instanceNeeds = new LinkedHashMap<>();
    /** The params the task being read may use: declared ones plus its matrix keys. */
    private Set<String> taskParams = paramNames;
    /** Whether the task being read is a sweep with replicas (so ${REPLICA} and ${SEED} resolve). */
    private boolean taskReplicas;
    /** The dynamic keys of the task being read, as param names: their object fields are params too. */
    private List<String> taskDynamicParams = List.of();
    /** Dynamic grid keys' source tasks ({@code from:}), checked once every task id is known. */
    private final List<FromRef> fromRefs = new ArrayList<>();

    private record FromRef(String task, String from, Node node) {}

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

        List<ParamSpec> params = params(value(top, "params"));
        String name = "";
        Node nameNode = value(top, "name");
        if (nameNode == null) {
            problem(root, "missing required key 'name'", "add a line like 'name: my-flow'");
        } else {
            String text = text(nameNode, "name");
            if (text != null && (!ID.matcher(text).matches() || text.contains(".."))) {
                problem(nameNode, "invalid flow name '" + text + "'", nameRules());
            } else if (text != null) {
                name = text;
            }
        }
        String description = optionalText(value(top, "description"), "description", "");
        Map<String, String> context = stringMap(value(top, "context"), "context", "", true);
        List<TaskSpec> tasks = tasks(root, value(top, "tasks"));
        List<MergeSpec> merge = new MergeReader(this).read(value(top, "merge"));
        if (!problems.isEmpty()) {
            return null;
        }
        return new Flow(name, description, params, context, tasks, merge);
    }

    // ---------------------------------------------------------------- params

    private List<ParamSpec> params(@Nullable Node node) {
        List<ParamSpec> specs = new ArrayList<>();
        if (node == null || isNothing(node)) {
            return specs;
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(node, "params must be a mapping of name to default or {type, default, ...}, got " + kind(node), "");
            return specs;
        }
        for (Map.Entry<String, NodeTuple> entry : entries(mapping, "param", "").entrySet()) {
            paramNames.add(entry.getKey()); // even if invalid below: spare the user cascading "unknown param"s
        }
        for (Map.Entry<String, NodeTuple> entry :
                entries(mapping, "param", "", false).entrySet()) {
            String name = entry.getKey();
            Node keyNode = entry.getValue().getKeyNode();
            Node valueNode = entry.getValue().getValueNode();
            int before = problems.size();
            if (!Macros.NAME.matcher(name).matches()) {
                problem(
                        keyNode,
                        "invalid param name '" + name + "'",
                        "use letters, digits and '_', not starting with a digit");
            }
            ParamSpec spec = param(name, valueNode);
            if (spec != null && problems.size() == before) {
                specs.add(spec);
            }
        }
        return specs;
    }

    private @Nullable ParamSpec param(String name, Node node) {
        String what = "param '" + name + "'";
        if (isNothing(node)) {
            return new ParamSpec(name, ParamType.STRING, null, true, "");
        }
        if (!(node instanceof MappingNode mapping)) {
            ParamValue inferred = inferred(node, what);
            return inferred == null ? null : new ParamSpec(name, inferred.type(), inferred, false, "");
        }
        Map<String, NodeTuple> e = entries(mapping, "key", "in " + what);
        checkKeys(e, PARAM_KEYS, "in " + what);
        ParamType type = null;
        boolean typeOk = true;
        Node typeNode = value(e, "type");
        if (typeNode != null) {
            String t = text(typeNode, "type of " + what);
            if (t != null && TYPES.contains(t)) {
                type = ParamType.valueOf(t.toUpperCase(Locale.ROOT));
            } else {
                typeOk = false;
                if (t != null) {
                    problem(typeNode, "unknown type '" + t + "' for " + what, suggest(t, TYPES, "use one of"));
                }
            }
        }
        ParamValue defaultValue = null;
        Node defaultNode = value(e, "default");
        if (defaultNode != null && typeOk) {
            defaultValue = type == null ? inferred(defaultNode, "default of " + what) : typed(defaultNode, name, type);
        }
        if (type == null) {
            type = defaultValue == null ? ParamType.STRING : defaultValue.type();
        }
        Node requiredNode = value(e, "required");
        Boolean required = requiredNode == null ? null : bool(requiredNode, "required of " + what);
        String description = optionalText(value(e, "description"), "description of " + what, "");
        if (!typeOk || defaultNode != null && defaultValue == null) {
            return null;
        }
        return new ParamSpec(name, type, defaultValue, required == null ? defaultValue == null : required, description);
    }

    /** A default without declared type: its type follows the YAML 1.2 core schema, strictly. */
    private @Nullable ParamValue inferred(Node node, String what) {
        if (node instanceof SequenceNode) {
            return typed(node, what, ParamType.LIST);
        }
        if (!(node instanceof ScalarNode scalar)) {
            problem(node, what + " must be a value, a list or a mapping with type and default, got " + kind(node), "");
            return null;
        }
        String v = scalar.getValue();
        if (scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
            return new ParamValue.Text(v);
        }
        if (INT.matcher(v).matches()) {
            ParamValue parsed = Params.parse(ParamType.INT, v);
            return parsed != null ? parsed : new ParamValue.Text(v);
        }
        if (FLOAT.matcher(v).matches()) {
            return new ParamValue.Float(Double.parseDouble(v));
        }
        if (v.equals("true") || v.equals("false")) {
            return new ParamValue.Bool(Boolean.parseBoolean(v));
        }
        return new ParamValue.Text(v);
    }

    private @Nullable ParamValue typed(Node node, String name, ParamType type) {
        if (type == ParamType.LIST && node instanceof SequenceNode sequence) {
            List<String> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                String text = text(item, "an item of param '" + name + "'");
                if (text == null) {
                    return null;
                }
                items.add(text);
            }
            return new ParamValue.Items(items);
        }
        if (!(node instanceof ScalarNode scalar)) {
            problem(
                    node,
                    "the default of param '" + name + "' must be a " + type.wireName() + ", got " + kind(node),
                    "");
            return null;
        }
        ParamValue value = Params.parse(type, scalar.getValue());
        if (value == null) {
            problem(node, Params.typeMismatch(name, type, scalar.getValue()), "fix the default or the type");
        }
        return value;
    }

    // ---------------------------------------------------------------- tasks

    private List<TaskSpec> tasks(Node root, @Nullable Node node) {
        List<TaskSpec> tasks = new ArrayList<>();
        if (node == null) {
            problem(root, "missing required key 'tasks'", "add 'tasks:' with at least one task");
            return tasks;
        }
        if (isNothing(node) || node instanceof MappingNode m && m.getValue().isEmpty()) {
            problem(node, "tasks is empty", "declare at least one task, e.g. 'hello: {run: echo hello}'");
            return tasks;
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(
                    node,
                    "tasks must be a mapping of task id to task, got " + kind(node),
                    node instanceof SequenceNode ? "write 'my-task: {run: ...}' entries, not a list" : "");
            return tasks;
        }
        Map<String, NodeTuple> declared = entries(mapping, "task id", "");
        List<String> ids = new ArrayList<>(declared.keySet());
        List<NodeTuple> tuples = new ArrayList<>(declared.values());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            index.put(ids.get(i), i);
        }
        int[][] edges = new int[ids.size()][];
        for (int i = 0; i < ids.size(); i++) {
            List<Integer> needs = new ArrayList<>();
            TaskSpec task = task(ids.get(i), tuples.get(i), index, needs);
            edges[i] = needs.stream().mapToInt(Integer::intValue).toArray();
            if (task != null) {
                tasks.add(task);
            }
        }
        fromEdges(index, edges);
        for (int[] cycle : Cycles.find(edges, 20)) {
            StringBuilder path = new StringBuilder();
            for (int member : cycle) {
                path.append(path.isEmpty() ? "" : " -> ").append(ids.get(member));
            }
            problem(
                    tuples.get(cycle[0]).getKeyNode(),
                    "dependency cycle: " + path,
                    "a task cannot (indirectly) need itself; remove one of these needs");
        }
        return expandSweeps(tasks);
    }

    /**
     * Adds each dynamic key's source task to the needs of its swept task, after checking that it is a task, not the
     * swept task itself, and not downstream of it (which would make the values depend on the sweep).
     */
    private void fromEdges(Map<String, Integer> index, int[][] edges) {
        for (FromRef ref : fromRefs) {
            Integer from = index.get(ref.from());
            Integer task = index.get(ref.task());
            String what = "in the matrix of task '" + ref.task() + "'";
            if (from == null) {
                problem(
                        ref.node(),
                        "unknown task '" + ref.from() + "' in from: " + what,
                        suggest(ref.from(), index.keySet(), "tasks:"));
                continue;
            }
            if (task == null) {
                continue;
            }
            if (from.equals(task)) {
                problem(
                        ref.node(),
                        "task '" + ref.task() + "' cannot take its matrix values from itself",
                        "from: names the upstream task that writes the JSON list");
                continue;
            }
            List<Integer> path = Cycles.path(edges, from, task);
            if (!path.isEmpty()) {
                StringBuilder chain = new StringBuilder();
                for (int member : path) {
                    chain.append(chain.isEmpty() ? "" : " -> ").append(idOf(index, member));
                }
                problem(
                        ref.node(),
                        "task '" + ref.from() + "' cannot give the matrix values of task '" + ref.task()
                                + "': it runs after it (" + chain + ")",
                        "from: must name a task upstream of '" + ref.task() + "'; remove the need that makes '"
                                + ref.from() + "' wait for it");
                continue;
            }
            int[] e = edges[task];
            boolean known = false;
            for (int j : e) {
                known |= j == from;
            }
            if (!known) {
                int[] more = java.util.Arrays.copyOf(e, e.length + 1);
                more[e.length] = from;
                edges[task] = more;
            }
        }
    }

    private static String idOf(Map<String, Integer> index, int i) {
        for (Map.Entry<String, Integer> e : index.entrySet()) {
            if (e.getValue() == i) {
                return e.getKey();
            }
        }
        return "?";
    }

    /**
     * Replaces every swept task by its instances and resolves needs: a need naming a swept task becomes all its
     * instances (fan-in), a need naming one instance ({@code train[3]}) becomes that instance's id.
     */
    private List<TaskSpec> expandSweeps(List<TaskSpec> tasks) {
        if (matrices.isEmpty() && instanceNeeds.isEmpty()) {
            return tasks;
        }
        Map<String, SweepExpander.Count> counts = new HashMap<>();
        for (Map.Entry<String, Matrix> m : matrices.entrySet()) {
            if (!m.getValue().dynamic().isEmpty()) {
                continue; // expanded at run time
            }
            SweepExpander.Count count = SweepExpander.count(m.getValue());
            Node at = java.util.Objects.requireNonNull(matrixNodes.get(m.getKey()));
            if (count.instances() > SweepExpander.MAX_INSTANCES || count.instances() < 0) {
                problem(
                        at,
                        "the matrix of task '" + m.getKey() + "' expands to more than " + SweepExpander.MAX_INSTANCES
                                + " tasks",
                        "split the sweep or use fewer values");
                continue;
            }
            if (count.instances() == 0) {
                problem(at, "the matrix of task '" + m.getKey() + "' excludes every point", "check exclude:");
                continue;
            }
            counts.put(m.getKey(), count);
            List<Matrix.Exclusion> exclude = m.getValue().exclude();
            for (int e = count.unusedExclusions().nextSetBit(0);
                    e >= 0;
                    e = count.unusedExclusions().nextSetBit(e + 1)) {
                Matrix.Exclusion x = exclude.get(e);
                warnings.add(new Problem(
                        file,
                        x.line,
                        x.column,
                        "warning: exclude " + x.text + " in the matrix of task '" + m.getKey() + "' matches no point",
                        "values are compared as written: 0.10 is not 0.1"));
            }
        }
        Map<String, TaskId> instanceIds = new HashMap<>();
        for (Map.Entry<String, List<Node>> need : instanceNeeds.entrySet()) {
            java.util.regex.Matcher m = INSTANCE.matcher(need.getKey());
            if (!m.matches()) {
                continue;
            }
            String base = m.group(1);
            long number = Long.parseLong(m.group(2));
            SweepExpander.Count count = counts.get(base);
            for (Node at : need.getValue()) {
                if (!matrices.containsKey(base)) {
                    problem(
                            at,
                            "task '" + base + "' has no matrix, so '" + need.getKey() + "' names no task",
                            "need '" + base + "' itself");
                } else if (!matrices.get(base).dynamic().isEmpty()) {
                    problem(
                            at,
                            "'" + need.getKey() + "' names an instance of task '" + base
                                    + "', whose instances are known only at run time",
                            "need '" + base + "' itself: it waits for every instance");
                } else if (count != null && (number < 1 || number > count.instances())) {
                    problem(
                            at,
                            "'" + need.getKey() + "' names no instance: task '" + base + "' has " + count.instances()
                                    + " (numbered from 1)",
                            "");
                }
            }
            if (count != null && number >= 1 && number <= count.instances()) {
                instanceIds.put(need.getKey(), SweepExpander.instanceId(TaskId.of(base), number, count.instances()));
            }
        }
        if (!problems.isEmpty()) {
            return tasks;
        }
        Map<String, SweepExpander.Expansion> expansions = new HashMap<>();
        for (TaskSpec t : tasks) {
            Matrix m = matrices.get(t.id().value());
            if (m != null && m.dynamic().isEmpty()) {
                expansions.put(
                        t.id().value(),
                        SweepExpander.expand(t.id(), m, java.util.Objects.requireNonNull(counts.get(t.id().value()))));
            }
        }
        List<TaskSpec> out = new ArrayList<>(tasks.size());
        for (TaskSpec t : tasks) {
            List<TaskId> needs = resolveNeeds(t.needs(), expansions, instanceIds);
            SweepExpander.Expansion x = expansions.get(t.id().value());
            Matrix dynamic = matrices.get(t.id().value());
            if (dynamic != null && !dynamic.dynamic().isEmpty()) {
                List<TaskId> withSources = new ArrayList<>(t.needs());
                for (Matrix.Dynamic d : dynamic.dynamic()) {
                    if (!withSources.contains(TaskId.of(d.task()))) {
                        withSources.add(TaskId.of(d.task())); // the source is implicitly a need
                    }
                }
                out.add(new TaskSpec(
                                t.id(),
                                t.description(),
                                t.action(),
                                resolveNeeds(withSources, expansions, instanceIds),
                                t.env(),
                                t.when(),
                                t.retry(),
                                t.timeout(),
                                t.queue(),
                                t.labels(),
                                t.resources())
                        .withFanOut(new DynamicSweep(t.id(), dynamic)));
                continue;
            }
            if (x == null) {
                out.add(new TaskSpec(
                        t.id(),
                        t.description(),
                        t.action(),
                        needs,
                        t.env(),
                        t.when(),
                        t.retry(),
                        t.timeout(),
                        t.queue(),
                        t.labels(),
                        t.resources()));
                continue;
            }
            for (int i = 0; i < x.ids().length; i++) {
                out.add(t.instance(x.ids()[i], needs, x.points()[i]));
            }
        }
        return out;
    }

    private static List<TaskId> resolveNeeds(
            List<TaskId> needs, Map<String, SweepExpander.Expansion> expansions, Map<String, TaskId> instanceIds) {
        java.util.Collection<TaskId> resolved =
                needs.size() > 1 ? new LinkedHashSet<>() : new ArrayList<>(); // fan-in and an instance may overlap
        for (TaskId need : needs) {
            SweepExpander.Expansion x = expansions.get(need.value());
            if (x != null) {
                resolved.addAll(java.util.Arrays.asList(x.ids()));
            } else {
                resolved.add(instanceIds.getOrDefault(need.value(), need));
            }
        }
        return List.copyOf(resolved);
    }

    /** Reads one task; adds the indexes of the tasks it needs (known ones, not itself) to {@code needsOut}. */
    private @Nullable TaskSpec task(String id, NodeTuple tuple, Map<String, Integer> index, List<Integer> needsOut) {
        int before = problems.size();
        Node keyNode = tuple.getKeyNode();
        Node node = tuple.getValueNode();
        String where = "in task '" + id + "'";
        if (!ID.matcher(id).matches() || id.contains("..")) {
            problem(keyNode, "invalid task id '" + id + "'", nameRules());
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(
                    isNothing(node) ? keyNode : node,
                    "task '" + id + "' must be a mapping with run or command, got " + kind(node),
                    "e.g. '" + id + ": {run: echo hello}'");
            return null;
        }
        Map<String, NodeTuple> e = entries(mapping, "key", where);
        checkKeys(e, TASK_KEYS, where);

        String description = optionalText(value(e, "description"), "description " + where, "");
        Sweep.Args args = args(value(e, "args"), value(e, "matrix"), e.get("run"), where);
        Node matrixNode = value(e, "matrix");
        if (matrixNode != null) {
            MatrixReader reader = new MatrixReader(this, id);
            Matrix matrix = reader.read(matrixNode, args);
            if (matrix != null) {
                matrices.put(id, matrix);
                matrixNodes.put(id, matrixNode);
            }
            Set<String> visible = new LinkedHashSet<>(paramNames);
            reader.keys().forEach(k -> visible.add(MatrixReader.paramName(k)));
            taskParams = visible;
            taskReplicas = matrix != null && matrix.replicas() > 0;
            for (int d = 0; d < reader.dynamic().size(); d++) {
                Matrix.Dynamic dynamic = reader.dynamic().get(d);
                fromRefs.add(new FromRef(id, dynamic.task(), reader.fromNodes().get(d)));
            }
            taskDynamicParams = reader.dynamic().stream()
                    .map(d -> MatrixReader.paramName(reader.keys().get(d.key())) + "_")
                    .toList();
        }
        try {
            return taskBody(id, keyNode, e, where, description, index, needsOut, before);
        } finally {
            taskParams = paramNames;
            taskReplicas = false;
            taskDynamicParams = List.of();
        }
    }

    private Sweep.Args args(@Nullable Node node, @Nullable Node matrix, @Nullable NodeTuple run, String where) {
        if (node == null) {
            return Sweep.Args.NONE;
        }
        String a = text(node, "args " + where);
        if (a == null) {
            return Sweep.Args.NONE;
        }
        if (!ARGS.contains(a)) {
            problem(node, "unknown args '" + a + "' " + where, suggest(a, ARGS, "use"));
            return Sweep.Args.NONE;
        }
        if (matrix == null) {
            problem(node, "args: hydra " + where + " needs a matrix", "it appends each point's values to the command");
        } else if (run != null) {
            problem(
                    node,
                    "args: hydra " + where + " needs command:, not run:",
                    "Hydra overrides are appended to an argv; in a run: script use $LR or ${params.lr}");
        }
        return Sweep.Args.HYDRA;
    }

    private @Nullable TaskSpec taskBody(
            String id,
            Node keyNode,
            Map<String, NodeTuple> e,
            String where,
            String description,
            Map<String, Integer> index,
            List<Integer> needsOut,
            int before) {
        Action action = action(id, keyNode, e, where);
        List<TaskId> needs = needs(id, value(e, "needs"), index, needsOut, where);
        Map<String, String> env = stringMap(value(e, "env"), "env", where, true);
        Trigger when = Trigger.SUCCESS;
        Node whenNode = value(e, "when");
        if (whenNode != null) {
            String w = text(whenNode, "when " + where);
            if (w != null && WHEN.contains(w)) {
                when = Trigger.valueOf(w.toUpperCase(Locale.ROOT));
            } else if (w != null) {
                problem(whenNode, "unknown when '" + w + "' " + where, suggest(w, WHEN, "use"));
            }
        }
        RetryPolicy retry = retries(value(e, "retries"), where);
        Duration timeout = null;
        Node timeoutNode = value(e, "timeout");
        if (timeoutNode != null) {
            timeout = duration(timeoutNode, "timeout " + where);
            if (timeout != null && timeout.isZero()) {
                problem(timeoutNode, "timeout " + where + " must be more than zero", "leave it out for no limit");
            }
        }
        QueueName queue = TaskSpec.DEFAULT_QUEUE;
        Node queueNode = value(e, "queue");
        if (queueNode != null) {
            String q = text(queueNode, "queue " + where);
            if (q != null) {
                try {
                    queue = QueueName.of(q);
                } catch (GyreException ex) {
                    problem(queueNode, "invalid queue name '" + q + "' " + where, nameRules());
                }
            }
        }
        Map<String, String> labels = stringMap(value(e, "labels"), "labels", where, false);
        Resources resources = resources(value(e, "resources"), where);
        if (problems.size() != before || action == null || retry == null || resources == null) {
            return null;
        }
        return new TaskSpec(
                TaskId.of(id), description, action, needs, env, when, retry, timeout, queue, labels, resources);
    }

    private @Nullable Action action(String id, Node keyNode, Map<String, NodeTuple> e, String where) {
        NodeTuple run = e.get("run");
        NodeTuple command = e.get("command");
        if (run != null && command != null) {
            problem(
                    command.getKeyNode(),
                    "task '" + id + "' has both run and command",
                    "use run: for a bash script or command: for an argv list, not both");
            return null;
        }
        if (run == null && command == null) {
            problem(
                    keyNode,
                    "task '" + id + "' has neither run nor command",
                    "add run: <bash script> or command: [program, args...]");
            return null;
        }
        if (command == null) {
            Node runNode = java.util.Objects.requireNonNull(run).getValueNode();
            String script = text(runNode, "run " + where);
            if (script == null) {
                return null;
            }
            if (script.isBlank()) {
                problem(runNode, "run " + where + " is empty", "give the bash script to run");
                return null;
            }
            checkMacros(runNode, "run " + where);
            return new Action.Shell(script);
        }
        Node argvNode = command.getValueNode();
        if (!(argvNode instanceof SequenceNode sequence)) {
            problem(
                    argvNode,
                    "command " + where + " must be a list (argv), got " + kind(argvNode),
                    "write command: [echo, hello], or use run: for a shell script");
            return null;
        }
        if (sequence.getValue().isEmpty()) {
            problem(argvNode, "command " + where + " is empty", "give at least the program: command: [echo, hello]");
            return null;
        }
        List<String> argv = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            String arg = text(item, "each command argument " + where);
            if (arg == null) {
                return null;
            }
            checkMacros(item, "command " + where);
            argv.add(arg);
        }
        return new Action.Command(argv);
    }

    private List<TaskId> needs(
            String id, @Nullable Node node, Map<String, Integer> index, List<Integer> needsOut, String where) {
        List<TaskId> needs = new ArrayList<>();
        if (node == null || isNothing(node)) {
            return needs;
        }
        List<Node> items;
        if (node instanceof ScalarNode) {
            items = List.of(node);
        } else if (node instanceof SequenceNode sequence) {
            items = sequence.getValue();
        } else {
            problem(node, "needs " + where + " must be a task id or a list of task ids, got " + kind(node), "");
            return needs;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (Node item : items) {
            String need = text(item, "each need " + where);
            if (need == null) {
                continue;
            }
            Integer target = index.get(need);
            java.util.regex.Matcher instance = INSTANCE.matcher(need);
            if (target == null && instance.matches()) {
                String base = instance.group(1);
                target = index.get(base);
                if (base.equals(id)) {
                    problem(item, "task '" + id + "' needs its own instance '" + need + "'", "remove it from needs");
                    continue;
                }
                if (target != null) {
                    instanceNeeds.computeIfAbsent(need, k -> new ArrayList<>()).add(item);
                } else {
                    problem(
                            item,
                            "unknown task '" + base + "' in needs of task '" + id + "'",
                            suggest(base, index.keySet(), "declared tasks:"));
                    continue;
                }
            }
            if (need.equals(id)) {
                problem(item, "task '" + id + "' needs itself", "remove '" + id + "' from its needs");
            } else if (target == null) {
                problem(
                        item,
                        "unknown task '" + need + "' in needs of task '" + id + "'",
                        suggest(need, index.keySet(), "declared tasks:"));
            } else if (!seen.add(need)) {
                problem(item, "task '" + need + "' is listed twice in needs of task '" + id + "'", "");
            } else {
                needsOut.add(target);
                needs.add(TaskId.of(need));
            }
        }
        return needs;
    }

    private @Nullable RetryPolicy retries(@Nullable Node node, String where) {
        if (node == null) {
            return RetryPolicy.NONE;
        }
        if (node instanceof ScalarNode) {
            Long max = integer(node, "retries " + where, 0, 1000);
            return max == null ? null : new RetryPolicy(max.intValue(), defaultBackoff(DEFAULT_RETRY_DELAY, null));
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(
                    node,
                    "retries " + where + " must be a number or a mapping {max, delay, backoff, max-delay, jitter}"
                            + ", got " + kind(node),
                    "");
            return null;
        }
        int before = problems.size();
        Map<String, NodeTuple> e = entries(mapping, "key", "in retries " + where);
        checkKeys(e, RETRY_KEYS, "in retries " + where);
        Node maxNode = value(e, "max");
        Long max = null;
        if (maxNode == null) {
            problem(node, "retries " + where + " needs 'max' (how many retries after the first attempt)", "");
        } else {
            max = integer(maxNode, "retries.max " + where, 0, 1000);
        }
        Duration delay = DEFAULT_RETRY_DELAY;
        Node delayNode = value(e, "delay");
        if (delayNode != null) {
            delay = duration(delayNode, "retries.delay " + where);
        }
        Backoff.Kind kind = Backoff.Kind.EXPONENTIAL;
        Node backoffNode = value(e, "backoff");
        if (backoffNode != null) {
            String b = text(backoffNode, "retries.backoff " + where);
            if (b != null && BACKOFFS.contains(b)) {
                kind = Backoff.Kind.valueOf(b.toUpperCase(Locale.ROOT));
            } else if (b != null) {
                problem(backoffNode, "unknown retries.backoff '" + b + "' " + where, suggest(b, BACKOFFS, "use"));
            }
        }
        Duration maxDelay = null;
        Node maxDelayNode = value(e, "max-delay");
        if (maxDelayNode != null) {
            maxDelay = duration(maxDelayNode, "retries.max-delay " + where);
        }
        double jitter = 0;
        Node jitterNode = value(e, "jitter");
        if (jitterNode != null) {
            Double j = number(jitterNode, "retries.jitter " + where);
            if (j != null && (j < 0 || j > 1)) {
                problem(
                        jitterNode,
                        "retries.jitter " + where + " must be between 0 and 1, got '"
                                + ((ScalarNode) jitterNode).getValue() + "'",
                        "0.2 draws each delay from 80% to 100% of it");
            } else if (j != null) {
                jitter = j;
            }
        }
        if (problems.size() != before || max == null || delay == null) {
            return null;
        }
        Backoff backoff = defaultBackoff(delay, maxDelay);
        return new RetryPolicy(max.intValue(), new Backoff(kind, backoff.delay(), backoff.maxDelay(), jitter));
    }

    /** Exponential from {@code delay}, capped at {@code maxDelay} or by default at the larger of 5m and the delay. */
    private static Backoff defaultBackoff(Duration delay, @Nullable Duration maxDelay) {
        Duration cap = maxDelay != null ? maxDelay : delay.compareTo(DEFAULT_MAX_DELAY) > 0 ? delay : DEFAULT_MAX_DELAY;
        return new Backoff(Backoff.Kind.EXPONENTIAL, delay, cap, 0);
    }

    private @Nullable Resources resources(@Nullable Node node, String where) {
        if (node == null || isNothing(node)) {
            return Resources.DEFAULT;
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(node, "resources " + where + " must be a mapping {cpu, memory, gpu}, got " + kind(node), "");
            return null;
        }
        int before = problems.size();
        Map<String, NodeTuple> e = entries(mapping, "key", "in resources " + where);
        checkKeys(e, RESOURCE_KEYS, "in resources " + where);
        double cpu = Resources.DEFAULT.cpu();
        Node cpuNode = value(e, "cpu");
        if (cpuNode != null) {
            Double c = number(cpuNode, "resources.cpu " + where);
            cpu = c == null ? cpu : c;
        }
        long memory = Resources.DEFAULT.memoryBytes();
        Node memoryNode = value(e, "memory");
        if (memoryNode != null) {
            String m = text(memoryNode, "resources.memory " + where);
            if (m != null && m.strip().startsWith("-")) {
                problem(memoryNode, "resources.memory " + where + " must not be negative, got '" + m + "'", "");
            } else if (m != null) {
                try {
                    memory = Quantities.memory(m);
                } catch (IllegalArgumentException ex) {
                    problem(
                            memoryNode,
                            "resources.memory " + where + " must be a memory size, got '" + m + "'",
                            ex.getMessage() == null ? "" : ex.getMessage());
                }
            }
        }
        int gpu = Resources.DEFAULT.gpu();
        Node gpuNode = value(e, "gpu");
        if (gpuNode != null) {
            Long g = integer(gpuNode, "resources.gpu " + where, 0, 1024);
            gpu = g == null ? gpu : g.intValue();
        }
        return problems.size() == before ? new Resources(cpu, memory, gpu) : null;
    }

    // ---------------------------------------------------------------- typed scalars

    @Nullable
    String text(Node node, String what) {
        if (node instanceof ScalarNode scalar) {
            return isNothing(scalar) ? "" : scalar.getValue();
        }
        problem(node, what + " must be a string, got " + kind(node), "");
        return null;
    }

    private String optionalText(@Nullable Node node, String what, String fallback) {
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
            problem(node, what + " must be an integer, got " + kind(node), "");
            return null;
        }
        long value;
        try {
            value = Long.parseLong(scalar.getValue().strip());
        } catch (NumberFormatException e) {
            problem(node, what + " is too large: '" + scalar.getValue() + "'", "at most " + max);
            return null;
        }
        if (value < min) {
            problem(
                    node,
                    what + (min == 0 ? " must not be negative" : " must be at least " + min) + ", got '"
                            + scalar.getValue() + "'",
                    "");
            return null;
        }
        if (value > max) {
            problem(node, what + " is too large: '" + scalar.getValue() + "'", "at most " + max);
            return null;
        }
        return value;
    }

    /** A non-negative number. */
    private @Nullable Double number(Node node, String what) {
        if (!(node instanceof ScalarNode scalar)
                || !FLOAT.matcher(scalar.getValue().strip()).matches()) {
            problem(node, what + " must be a number, got " + kind(node), "");
            return null;
        }
        double value = Double.parseDouble(scalar.getValue().strip());
        if (value < 0 || !Double.isFinite(value)) {
            problem(node, what + " must not be negative, got '" + scalar.getValue() + "'", "");
            return null;
        }
        return value;
    }

    private @Nullable Boolean bool(Node node, String what) {
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
        problem(
                node,
                what + " must be true or false, got " + kind(node),
                "YAML 1.1 words such as yes, no, on and off are not booleans in Gyre");
        return null;
    }

    private @Nullable Duration duration(Node node, String what) {
        String text = text(node, what);
        if (text == null) {
            return null;
        }
        if (text.strip().startsWith("-")) {
            problem(node, what + " must not be negative, got '" + text + "'", "");
            return null;
        }
        try {
            return Quantities.duration(text);
        } catch (IllegalArgumentException e) {
            problem(
                    node,
                    what + " must be a duration, got '" + text + "'",
                    e.getMessage() == null ? "" : e.getMessage());
            return null;
        }
    }

    /** A mapping of names to text values ({@code env}, {@code context}, {@code labels}); values may hold macros. */
    private Map<String, String> stringMap(@Nullable Node node, String field, String where, boolean variables) {
        Map<String, String> result = new LinkedHashMap<>();
        String what = where.isEmpty() ? field : field + " " + where;
        if (node == null || isNothing(node)) {
            return result;
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(node, what + " must be a mapping of names to values, got " + kind(node), "");
            return result;
        }
        for (Map.Entry<String, NodeTuple> entry :
                entries(mapping, "key", "in " + what).entrySet()) {
            String key = entry.getKey();
            Node keyNode = entry.getValue().getKeyNode();
            Node valueNode = entry.getValue().getValueNode();
            if (variables && !Macros.NAME.matcher(key).matches()) {
                problem(
                        keyNode,
                        "invalid name '" + key + "' in " + what,
                        "names become environment variables: use letters, digits and '_', not starting with a digit");
                continue;
            }
            if (variables && key.startsWith(RESERVED_PREFIX)) {
                problem(
                        keyNode,
                        "name '" + key + "' in " + what + " is reserved",
                        "names starting with " + RESERVED_PREFIX + " are set by Gyre");
                continue;
            }
            if (!variables && key.isEmpty()) {
                problem(keyNode, "empty key in " + what, "");
                continue;
            }
            String value = text(valueNode, "the value of '" + key + "' in " + what);
            if (value != null) {
                if (variables) {
                    checkMacros(valueNode, "'" + key + "' in " + what);
                }
                result.put(key, value);
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- macros

    private void checkMacros(Node node, String what) {
        if (!(node instanceof ScalarNode scalar)) {
            return;
        }
        try {
            for (Macros.Part part : Macros.parse(scalar.getValue())) {
                if (part instanceof Macros.Part.Ref ref && ref.macro() instanceof Macros.Macro.Point && !taskReplicas) {
                    problemInside(
                            scalar,
                            ref.offset(),
                            ref.source(),
                            ref.source() + " is only set in a task whose matrix has replicas (" + what + ")",
                            "add replicas: N to the task's matrix, or write $" + "$" + "{ for a literal");
                }
                if (part instanceof Macros.Part.Ref ref
                        && ref.macro() instanceof Macros.Macro.Param param
                        && !taskParams.contains(param.name())
                        && taskDynamicParams.stream().noneMatch(param.name()::startsWith)) {
                    String hint = Suggestions.hint(param.name(), taskParams);
                    problemInside(
                            scalar,
                            ref.offset(),
                            ref.source(),
                            "unknown param '" + param.name() + "' in " + ref.source() + " (" + what + ")",
                            hint.isEmpty() ? "declare it under params:" : hint);
                }
            }
        } catch (MacroException e) {
            problemInside(scalar, e.offset(), null, e.getMessage() + " (" + what + ")", "");
        }
    }

    /**
     * Locates a problem at {@code offset} inside a scalar's value: exact for single-line scalars and literal
     * ({@code |}) blocks, at the scalar's start otherwise.
     */
    private void problemInside(ScalarNode scalar, int offset, @Nullable String raw, String message, String hint) {
        Mark start = scalar.getStartMark();
        String value = scalar.getValue();
        int newlines = 0;
        for (int i = 0; i < offset && i < value.length(); i++) {
            if (value.charAt(i) == '\n') {
                newlines++;
            }
        }
        DumperOptions.ScalarStyle style = scalar.getScalarStyle();
        int line = -1;
        if (style == DumperOptions.ScalarStyle.LITERAL) {
            line = start.getLine() + 1 + newlines;
        } else if (!value.contains("\n")
                && start.getLine() == scalar.getEndMark().getLine()) {
            line = start.getLine();
        }
        String[] all = sourceLines();
        if (line < 0 || line >= all.length) {
            problem(scalar, message, hint);
            return;
        }
        String needle = raw != null ? raw : "${";
        int from = line == start.getLine() ? start.getColumn() : 0;
        int column = all[line].indexOf(needle, from);
        if (column < 0) {
            problem(scalar, message, hint);
            return;
        }
        add(line + 1, column + 1, message, hint);
    }

    // ---------------------------------------------------------------- structure

    Map<String, NodeTuple> entries(MappingNode mapping, String what, String where) {
        return entries(mapping, what, where, true);
    }

    /** The entries of a mapping by key, in order; reports non-scalar and (if asked) duplicate keys. */
    private Map<String, NodeTuple> entries(MappingNode mapping, String what, String where, boolean report) {
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

    private static String nameRules() {
        return "use letters, digits, '_', '-' and '.', starting with a letter, digit or '_' (no '..')";
    }

    private String[] sourceLines() {
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

    private void add(int line, int column, String message, String hint) {
        problems.add(new Problem(file, line, column, message, hint));
    }
}
