package io.gyre.core;

import io.gyre.api.Action;
import io.gyre.api.Backoff;
import io.gyre.api.GyreException;
import io.gyre.api.QueueName;
import io.gyre.api.Resources;
import io.gyre.api.RetryPolicy;
import io.gyre.api.Sweep;
import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import io.gyre.api.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * Reads one task of a flow for {@link FlowLoader}: its action ({@code run} or {@code command}), needs, env, when,
 * retries, timeout, queue, labels and resources, with its matrix read by {@link MatrixReader}. One reader reads every
 * task of a flow in turn and collects what can only be checked once all are read (by {@link TaskGraphReader}): the
 * swept tasks' matrices, the needs naming one instance, and the sources of dynamic grid keys.
 */
final class TaskReader {
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
    private static final List<String> WHEN = List.of("success", "always");
    private static final List<String> BACKOFFS = List.of("fixed", "exponential");
    /** A need naming one instance of a swept task: {@code train[0003]} (or {@code train[3]}). */
    static final Pattern INSTANCE = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199})\\[([0-9]{1,9})\\]");

    private static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(5);

    /** A dynamic grid key's source task ({@code from:}), checked once every task id is known. */
    record FromRef(String task, String from, Node node) {}

    private final FlowLoader loader;
    private final ScalarReader scalars;
    private final MacroChecker macros;
    /** The swept tasks' matrices and where they were written, by task id. */
    private final Map<String, Matrix> matrices = new HashMap<>();

    private final Map<String, Node> matrixNodes = new HashMap<>();
    /** Needs naming one instance ({@code train[3]}), by the need as written; checked once sweeps are counted. */
    private final Map<String, List<Node>> instanceNeeds = new LinkedHashMap<>();
    /** Dynamic grid keys' source tasks ({@code from:}), checked once every task id is known. */
    private final List<FromRef> fromRefs = new ArrayList<>();

    TaskReader(FlowLoader loader) {
        this.loader = loader;
        this.scalars = loader.scalars();
        this.macros = loader.macros();
    }

    Map<String, Matrix> matrices() {
        return matrices;
    }

    Map<String, Node> matrixNodes() {
        return matrixNodes;
    }

    Map<String, List<Node>> instanceNeeds() {
        return instanceNeeds;
    }

    List<FromRef> fromRefs() {
        return fromRefs;
    }

    /** Reads one task; adds the indexes of the tasks it needs (known ones, not itself) to {@code needsOut}. */
    @Nullable
    TaskSpec read(String id, NodeTuple tuple, Map<String, Integer> index, List<Integer> needsOut) {
        int before = loader.problemCount();
        Node keyNode = tuple.getKeyNode();
        Node node = tuple.getValueNode();
        String where = "in task '" + id + "'";
        if (!FlowLoader.ID.matcher(id).matches() || id.contains("..")) {
            loader.problem(keyNode, "invalid task id '" + id + "'", FlowLoader.nameRules());
        }
        if (!(node instanceof MappingNode mapping)) {
            loader.problem(
                    FlowLoader.isNothing(node) ? keyNode : node,
                    "task '" + id + "' must be a mapping with run or command, got " + FlowLoader.kind(node),
                    "e.g. '" + id + ": {run: echo hello}'");
            return null;
        }
        Map<String, NodeTuple> e = loader.entries(mapping, "key", where);
        loader.checkKeys(e, TASK_KEYS, where);

        String description = scalars.optionalText(FlowLoader.value(e, "description"), "description " + where, "");
        Sweep.Args args = args(FlowLoader.value(e, "args"), FlowLoader.value(e, "matrix"), e.get("run"), where);
        Node matrixNode = FlowLoader.value(e, "matrix");
        if (matrixNode != null) {
            MatrixReader reader = new MatrixReader(loader, id);
            Matrix matrix = reader.read(matrixNode, args);
            if (matrix != null) {
                matrices.put(id, matrix);
                matrixNodes.put(id, matrixNode);
            }
            Set<String> visible = new LinkedHashSet<>(loader.paramNames());
            reader.keys().forEach(k -> visible.add(MatrixReader.paramName(k)));
            for (int d = 0; d < reader.dynamic().size(); d++) {
                Matrix.Dynamic dynamic = reader.dynamic().get(d);
                fromRefs.add(new FromRef(id, dynamic.task(), reader.fromNodes().get(d)));
            }
            macros.enterTask(
                    visible,
                    matrix != null && matrix.replicas() > 0,
                    reader.dynamic().stream()
                            .map(d -> MatrixReader.paramName(reader.keys().get(d.key())) + "_")
                            .toList());
        }
        try {
            return taskBody(id, keyNode, e, where, description, index, needsOut, before);
        } finally {
            macros.leaveTask();
        }
    }

    private Sweep.Args args(@Nullable Node node, @Nullable Node matrix, @Nullable NodeTuple run, String where) {
        if (node == null) {
            return Sweep.Args.NONE;
        }
        String a = scalars.text(node, "args " + where);
        if (a == null) {
            return Sweep.Args.NONE;
        }
        if (!ARGS.contains(a)) {
            loader.problem(node, "unknown args '" + a + "' " + where, FlowLoader.suggest(a, ARGS, "use"));
            return Sweep.Args.NONE;
        }
        if (matrix == null) {
            loader.problem(
                    node, "args: hydra " + where + " needs a matrix", "it appends each point's values to the command");
        } else if (run != null) {
            loader.problem(
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
        List<TaskId> needs = needs(id, FlowLoader.value(e, "needs"), index, needsOut, where);
        Map<String, String> env = scalars.stringMap(FlowLoader.value(e, "env"), "env", where, true);
        Trigger when = Trigger.SUCCESS;
        Node whenNode = FlowLoader.value(e, "when");
        if (whenNode != null) {
            String w = scalars.text(whenNode, "when " + where);
            if (w != null && WHEN.contains(w)) {
                when = Trigger.valueOf(w.toUpperCase(Locale.ROOT));
            } else if (w != null) {
                loader.problem(whenNode, "unknown when '" + w + "' " + where, FlowLoader.suggest(w, WHEN, "use"));
            }
        }
        RetryPolicy retry = retries(FlowLoader.value(e, "retries"), where);
        Duration timeout = null;
        Node timeoutNode = FlowLoader.value(e, "timeout");
        if (timeoutNode != null) {
            timeout = scalars.duration(timeoutNode, "timeout " + where);
            if (timeout != null && timeout.isZero()) {
                loader.problem(
                        timeoutNode, "timeout " + where + " must be more than zero", "leave it out for no limit");
            }
        }
        QueueName queue = TaskSpec.DEFAULT_QUEUE;
        Node queueNode = FlowLoader.value(e, "queue");
        if (queueNode != null) {
            String q = scalars.text(queueNode, "queue " + where);
            if (q != null) {
                try {
                    queue = QueueName.of(q);
                } catch (GyreException ex) {
                    loader.problem(queueNode, "invalid queue name '" + q + "' " + where, FlowLoader.nameRules());
                }
            }
        }
        Map<String, String> labels = scalars.stringMap(FlowLoader.value(e, "labels"), "labels", where, false);
        Resources resources = resources(FlowLoader.value(e, "resources"), where);
        if (loader.problemCount() != before || action == null || retry == null || resources == null) {
            return null;
        }
        return new TaskSpec(
                TaskId.of(id), description, action, needs, env, when, retry, timeout, queue, labels, resources);
    }

    private @Nullable Action action(String id, Node keyNode, Map<String, NodeTuple> e, String where) {
        NodeTuple run = e.get("run");
        NodeTuple command = e.get("command");
        if (run != null && command != null) {
            loader.problem(
                    command.getKeyNode(),
                    "task '" + id + "' has both run and command",
                    "use run: for a bash script or command: for an argv list, not both");
            return null;
        }
        if (run == null && command == null) {
            loader.problem(
                    keyNode,
                    "task '" + id + "' has neither run nor command",
                    "add run: <bash script> or command: [program, args...]");
            return null;
        }
        if (command == null) {
            Node runNode = java.util.Objects.requireNonNull(run).getValueNode();
            String script = scalars.text(runNode, "run " + where);
            if (script == null) {
                return null;
            }
            if (script.isBlank()) {
                loader.problem(runNode, "run " + where + " is empty", "give the bash script to run");
                return null;
            }
            macros.check(runNode, "run " + where);
            return new Action.Shell(script);
        }
        Node argvNode = command.getValueNode();
        if (!(argvNode instanceof SequenceNode sequence)) {
            loader.problem(
                    argvNode,
                    "command " + where + " must be a list (argv), got " + FlowLoader.kind(argvNode),
                    "write command: [echo, hello], or use run: for a shell script");
            return null;
        }
        if (sequence.getValue().isEmpty()) {
            loader.problem(
                    argvNode, "command " + where + " is empty", "give at least the program: command: [echo, hello]");
            return null;
        }
        List<String> argv = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            String arg = scalars.text(item, "each command argument " + where);
            if (arg == null) {
                return null;
            }
            macros.check(item, "command " + where);
            argv.add(arg);
        }
        return new Action.Command(argv);
    }

    private List<TaskId> needs(
            String id, @Nullable Node node, Map<String, Integer> index, List<Integer> needsOut, String where) {
        List<TaskId> needs = new ArrayList<>();
        if (node == null || FlowLoader.isNothing(node)) {
            return needs;
        }
        List<Node> items;
        if (node instanceof ScalarNode) {
            items = List.of(node);
        } else if (node instanceof SequenceNode sequence) {
            items = sequence.getValue();
        } else {
            loader.problem(
                    node,
                    "needs " + where + " must be a task id or a list of task ids, got " + FlowLoader.kind(node),
                    "");
            return needs;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (Node item : items) {
            String need = scalars.text(item, "each need " + where);
            if (need == null) {
                continue;
            }
            Integer target = index.get(need);
            java.util.regex.Matcher instance = INSTANCE.matcher(need);
            if (target == null && instance.matches()) {
                String base = instance.group(1);
                target = index.get(base);
                if (base.equals(id)) {
                    loader.problem(
                            item, "task '" + id + "' needs its own instance '" + need + "'", "remove it from needs");
                    continue;
                }
                if (target != null) {
                    instanceNeeds.computeIfAbsent(need, k -> new ArrayList<>()).add(item);
                } else {
                    loader.problem(
                            item,
                            "unknown task '" + base + "' in needs of task '" + id + "'",
                            FlowLoader.suggest(base, index.keySet(), "declared tasks:"));
                    continue;
                }
            }
            if (need.equals(id)) {
                loader.problem(item, "task '" + id + "' needs itself", "remove '" + id + "' from its needs");
            } else if (target == null) {
                loader.problem(
                        item,
                        "unknown task '" + need + "' in needs of task '" + id + "'",
                        FlowLoader.suggest(need, index.keySet(), "declared tasks:"));
            } else if (!seen.add(need)) {
                loader.problem(item, "task '" + need + "' is listed twice in needs of task '" + id + "'", "");
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
            Long max = scalars.integer(node, "retries " + where, 0, 1000);
            return max == null ? null : new RetryPolicy(max.intValue(), defaultBackoff(DEFAULT_RETRY_DELAY, null));
        }
        if (!(node instanceof MappingNode mapping)) {
            loader.problem(
                    node,
                    "retries " + where + " must be a number or a mapping {max, delay, backoff, max-delay, jitter}"
                            + ", got " + FlowLoader.kind(node),
                    "");
            return null;
        }
        int before = loader.problemCount();
        Map<String, NodeTuple> e = loader.entries(mapping, "key", "in retries " + where);
        loader.checkKeys(e, RETRY_KEYS, "in retries " + where);
        Node maxNode = FlowLoader.value(e, "max");
        Long max = null;
        if (maxNode == null) {
            loader.problem(node, "retries " + where + " needs 'max' (how many retries after the first attempt)", "");
        } else {
            max = scalars.integer(maxNode, "retries.max " + where, 0, 1000);
        }
        Duration delay = DEFAULT_RETRY_DELAY;
        Node delayNode = FlowLoader.value(e, "delay");
        if (delayNode != null) {
            delay = scalars.duration(delayNode, "retries.delay " + where);
        }
        Backoff.Kind kind = Backoff.Kind.EXPONENTIAL;
        Node backoffNode = FlowLoader.value(e, "backoff");
        if (backoffNode != null) {
            String b = scalars.text(backoffNode, "retries.backoff " + where);
            if (b != null && BACKOFFS.contains(b)) {
                kind = Backoff.Kind.valueOf(b.toUpperCase(Locale.ROOT));
            } else if (b != null) {
                loader.problem(
                        backoffNode,
                        "unknown retries.backoff '" + b + "' " + where,
                        FlowLoader.suggest(b, BACKOFFS, "use"));
            }
        }
        Duration maxDelay = null;
        Node maxDelayNode = FlowLoader.value(e, "max-delay");
        if (maxDelayNode != null) {
            maxDelay = scalars.duration(maxDelayNode, "retries.max-delay " + where);
        }
        double jitter = 0;
        Node jitterNode = FlowLoader.value(e, "jitter");
        if (jitterNode != null) {
            Double j = scalars.number(jitterNode, "retries.jitter " + where);
            if (j != null && (j < 0 || j > 1)) {
                loader.problem(
                        jitterNode,
                        "retries.jitter " + where + " must be between 0 and 1, got '"
                                + ((ScalarNode) jitterNode).getValue() + "'",
                        "0.2 draws each delay from 80% to 100% of it");
            } else if (j != null) {
                jitter = j;
            }
        }
        if (loader.problemCount() != before || max == null || delay == null) {
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
        if (node == null || FlowLoader.isNothing(node)) {
            return Resources.DEFAULT;
        }
        if (!(node instanceof MappingNode mapping)) {
            loader.problem(
                    node,
                    "resources " + where + " must be a mapping {cpu, memory, gpu}, got " + FlowLoader.kind(node),
                    "");
            return null;
        }
        int before = loader.problemCount();
        Map<String, NodeTuple> e = loader.entries(mapping, "key", "in resources " + where);
        loader.checkKeys(e, RESOURCE_KEYS, "in resources " + where);
        double cpu = Resources.DEFAULT.cpu();
        Node cpuNode = FlowLoader.value(e, "cpu");
        if (cpuNode != null) {
            Double c = scalars.number(cpuNode, "resources.cpu " + where);
            cpu = c == null ? cpu : c;
        }
        long memory = Resources.DEFAULT.memoryBytes();
        Node memoryNode = FlowLoader.value(e, "memory");
        if (memoryNode != null) {
            String m = scalars.text(memoryNode, "resources.memory " + where);
            if (m != null && m.strip().startsWith("-")) {
                loader.problem(memoryNode, "resources.memory " + where + " must not be negative, got '" + m + "'", "");
            } else if (m != null) {
                try {
                    memory = Quantities.memory(m);
                } catch (IllegalArgumentException ex) {
                    loader.problem(
                            memoryNode,
                            "resources.memory " + where + " must be a memory size, got '" + m + "'",
                            ex.getMessage() == null ? "" : ex.getMessage());
                }
            }
        }
        int gpu = Resources.DEFAULT.gpu();
        Node gpuNode = FlowLoader.value(e, "gpu");
        if (gpuNode != null) {
            Long g = scalars.integer(gpuNode, "resources.gpu " + where, 0, 1024);
            gpu = g == null ? gpu : g.intValue();
        }
        return loader.problemCount() == before ? new Resources(cpu, memory, gpu) : null;
    }
}
