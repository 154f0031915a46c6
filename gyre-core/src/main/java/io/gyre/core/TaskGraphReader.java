package io.gyre.core;

import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a flow's {@code tasks:} mapping for {@link FlowLoader}: each task by {@link TaskReader}, then the checks that
 * need every task: the sources of dynamic grid keys ({@code from:}), dependency cycles, and the sweeps, whose swept
 * tasks are replaced by their instances with needs resolved (a need naming a swept task becomes all its instances, a
 * need naming one instance that instance's id).
 */
final class TaskGraphReader {
    private final FlowLoader loader;
    private final TaskReader taskReader;
    private final Map<String, Matrix> matrices;
    private final Map<String, Node> matrixNodes;
    private final Map<String, List<Node>> instanceNeeds;

    TaskGraphReader(FlowLoader loader) {
        this.loader = loader;
        this.taskReader = new TaskReader(loader);
        this.matrices = taskReader.matrices();
        this.matrixNodes = taskReader.matrixNodes();
        this.instanceNeeds = taskReader.instanceNeeds();
    }

    List<TaskSpec> read(Node root, @Nullable Node node) {
        List<TaskSpec> tasks = new ArrayList<>();
        if (node == null) {
            loader.problem(root, "missing required key 'tasks'", "add 'tasks:' with at least one task");
            return tasks;
        }
        if (FlowLoader.isNothing(node)
                || node instanceof MappingNode m && m.getValue().isEmpty()) {
            loader.problem(node, "tasks is empty", "declare at least one task, e.g. 'hello: {run: echo hello}'");
            return tasks;
        }
        if (!(node instanceof MappingNode mapping)) {
            loader.problem(
                    node,
                    "tasks must be a mapping of task id to task, got " + FlowLoader.kind(node),
                    node instanceof SequenceNode ? "write 'my-task: {run: ...}' entries, not a list" : "");
            return tasks;
        }
        Map<String, NodeTuple> declared = loader.entries(mapping, "task id", "");
        List<String> ids = new ArrayList<>(declared.keySet());
        List<NodeTuple> tuples = new ArrayList<>(declared.values());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            index.put(ids.get(i), i);
        }
        int[][] edges = new int[ids.size()][];
        for (int i = 0; i < ids.size(); i++) {
            List<Integer> needs = new ArrayList<>();
            TaskSpec task = taskReader.read(ids.get(i), tuples.get(i), index, needs);
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
            loader.problem(
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
        for (TaskReader.FromRef ref : taskReader.fromRefs()) {
            Integer from = index.get(ref.from());
            Integer task = index.get(ref.task());
            String what = "in the matrix of task '" + ref.task() + "'";
            if (from == null) {
                loader.problem(
                        ref.node(),
                        "unknown task '" + ref.from() + "' in from: " + what,
                        FlowLoader.suggest(ref.from(), index.keySet(), "tasks:"));
                continue;
            }
            if (task == null) {
                continue;
            }
            if (from.equals(task)) {
                loader.problem(
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
                loader.problem(
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
                loader.problem(
                        at,
                        "the matrix of task '" + m.getKey() + "' expands to more than " + SweepExpander.MAX_INSTANCES
                                + " tasks",
                        "split the sweep or use fewer values");
                continue;
            }
            if (count.instances() == 0) {
                loader.problem(at, "the matrix of task '" + m.getKey() + "' excludes every point", "check exclude:");
                continue;
            }
            counts.put(m.getKey(), count);
            List<Matrix.Exclusion> exclude = m.getValue().exclude();
            for (int e = count.unusedExclusions().nextSetBit(0);
                    e >= 0;
                    e = count.unusedExclusions().nextSetBit(e + 1)) {
                Matrix.Exclusion x = exclude.get(e);
                loader.warning(
                        x.line,
                        x.column,
                        "warning: exclude " + x.text + " in the matrix of task '" + m.getKey() + "' matches no point",
                        "values are compared as written: 0.10 is not 0.1");
            }
        }
        Map<String, TaskId> instanceIds = new HashMap<>();
        for (Map.Entry<String, List<Node>> need : instanceNeeds.entrySet()) {
            java.util.regex.Matcher m = TaskReader.INSTANCE.matcher(need.getKey());
            if (!m.matches()) {
                continue;
            }
            String base = m.group(1);
            long number = Long.parseLong(m.group(2));
            SweepExpander.Count count = counts.get(base);
            for (Node at : need.getValue()) {
                if (!matrices.containsKey(base)) {
                    loader.problem(
                            at,
                            "task '" + base + "' has no matrix, so '" + need.getKey() + "' names no task",
                            "need '" + base + "' itself");
                } else if (!matrices.get(base).dynamic().isEmpty()) {
                    loader.problem(
                            at,
                            "'" + need.getKey() + "' names an instance of task '" + base
                                    + "', whose instances are known only at run time",
                            "need '" + base + "' itself: it waits for every instance");
                } else if (count != null && (number < 1 || number > count.instances())) {
                    loader.problem(
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
        if (loader.problemCount() != 0) {
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
}
