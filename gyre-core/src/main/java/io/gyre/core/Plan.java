package io.gyre.core;

import io.gyre.api.Flow;
import io.gyre.api.GyreException;
import io.gyre.api.SweepPoint;
import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A flow compiled into a graph the engine can walk in constant time per edge.
 *
 * <p>Tasks are numbered 0..n-1 in declaration order; needs and dependents are stored as compressed sparse rows
 * (one offsets array and one targets array each), so a 1,000,000-task graph costs a few int arrays beyond the
 * task specs themselves. Construction runs Kahn's algorithm once, which yields the levels (longest path from a
 * root) and proves the graph acyclic; a cycle is reported with its path.
 */
public final class Plan {
    private final Flow flow;
    private final TaskSpec[] tasks;
    private final Map<TaskId, Integer> index;
    private final int[] needStart;
    private final int[] needs;
    private final int[] depStart;
    private final int[] deps;
    private final int[] level;
    private final int levels;

    private Plan(Flow flow, TaskSpec[] tasks, Map<TaskId, Integer> index, int[] needStart, int[] needs) {
        this.flow = flow;
        this.tasks = tasks;
        this.index = index;
        this.needStart = needStart;
        this.needs = needs;
        int n = tasks.length;
        int[] depCount = new int[n + 1];
        for (int t : needs) {
            depCount[t + 1]++;
        }
        for (int i = 0; i < n; i++) {
            depCount[i + 1] += depCount[i];
        }
        this.depStart = depCount.clone();
        this.deps = new int[needs.length];
        int[] fill = Arrays.copyOf(depCount, n);
        for (int i = 0; i < n; i++) {
            for (int k = needStart[i]; k < needStart[i + 1]; k++) {
                deps[fill[needs[k]]++] = i;
            }
        }
        this.level = new int[n];
        this.levels = computeLevels();
    }

    /**
     * Compiles a flow. Throws {@link InvalidFlowException} when a need names no task or the graph has a cycle.
     */
    public static Plan of(Flow flow) {
        List<TaskSpec> list = flow.tasks();
        int n = list.size();
        TaskSpec[] tasks = list.toArray(TaskSpec[]::new);
        Map<TaskId, Integer> index = new HashMap<>(Math.max(16, n * 4 / 3 + 1));
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (index.putIfAbsent(tasks[i].id(), i) != null) {
                problems.add(Problem.unlocated("duplicate task id '" + tasks[i].id() + "'", "task ids must be unique"));
            }
        }
        int edges = 0;
        for (TaskSpec t : tasks) {
            edges += t.needs().size();
        }
        int[] needStart = new int[n + 1];
        int[] needs = new int[edges];
        int e = 0;
        for (int i = 0; i < n; i++) {
            needStart[i] = e;
            for (TaskId need : tasks[i].needs()) {
                Integer j = index.get(need);
                if (j == null) {
                    problems.add(Problem.unlocated(
                            "task '" + tasks[i].id() + "' needs '" + need + "', which is not a task of this flow",
                            "check the spelling in 'needs'"));
                    continue;
                }
                needs[e++] = j;
            }
        }
        needStart[n] = e;
        if (!problems.isEmpty()) {
            throw new InvalidFlowException(problems);
        }
        return new Plan(flow, tasks, index, needStart, e == needs.length ? needs : Arrays.copyOf(needs, e));
    }

    private boolean isSwept(TaskId base) {
        for (TaskSpec t : tasks) {
            SweepPoint p = t.point();
            if (p != null && p.sweep().task().equals(base)) {
                return true;
            }
        }
        return false;
    }

    /** Marks the instances of the swept task {@code base} and pushes them; returns the new stack top. */
    private int addInstances(TaskId base, BitSet keep, int[] stack, int top) {
        for (int i = 0; i < tasks.length; i++) {
            SweepPoint p = tasks[i].point();
            if (p != null && p.sweep().task().equals(base) && !keep.get(i)) {
                keep.set(i);
                stack[top++] = i;
            }
        }
        return top;
    }

    private int computeLevels() {
        int n = tasks.length;
        int[] remaining = new int[n];
        int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        for (int i = 0; i < n; i++) {
            remaining[i] = needStart[i + 1] - needStart[i];
            if (remaining[i] == 0) {
                queue[tail++] = i;
            }
        }
        int max = -1;
        while (head < tail) {
            int i = queue[head++];
            max = Math.max(max, level[i]);
            for (int k = depStart[i]; k < depStart[i + 1]; k++) {
                int d = deps[k];
                level[d] = Math.max(level[d], level[i] + 1);
                if (--remaining[d] == 0) {
                    queue[tail++] = d;
                }
            }
        }
        if (tail < n) {
            List<TaskId> cycle = Cycles.find(flow.tasks()).orElse(List.of());
            throw new InvalidFlowException(List.of(Problem.unlocated(
                    "the tasks form a cycle: "
                            + String.join(
                                    " -> ", cycle.stream().map(TaskId::value).toList()),
                    "remove one of these needs")));
        }
        return max + 1;
    }

    private String someNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < tasks.length && i < 10; i++) {
            names.add(tasks[i].id().value());
        }
        return String.join(", ", names) + (tasks.length > 10 ? ", ..." : "");
    }

    public Flow flow() {
        return flow;
    }

    public int size() {
        return tasks.length;
    }

    public TaskSpec task(int i) {
        return tasks[i];
    }

    public int indexOf(TaskId id) {
        Integer i = index.get(id);
        if (i == null) {
            throw new GyreException("no task '" + id + "' in flow '" + flow.name() + "'");
        }
        return i;
    }

    public boolean contains(TaskId id) {
        return index.containsKey(id);
    }

    public int needCount(int i) {
        return needStart[i + 1] - needStart[i];
    }

    public int need(int i, int k) {
        return needs[needStart[i] + k];
    }

    public int dependentCount(int i) {
        return depStart[i + 1] - depStart[i];
    }

    public int dependent(int i, int k) {
        return deps[depStart[i] + k];
    }

    /** The longest path from a root to task {@code i}, in edges (roots are level 0). */
    public int level(int i) {
        return level[i];
    }

    /** The number of levels (the length of the critical path in tasks). */
    public int levels() {
        return levels;
    }

    public int edges() {
        return needs.length;
    }

    /** {@code 5 tasks, 6 dependencies, 4 levels}, in words a person reads. */
    public String summary() {
        return count(size(), "task") + ", " + count(edges(), "dependency") + ", " + count(levels(), "level");
    }

    private static String count(int n, String noun) {
        String plural = noun.endsWith("y") ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s";
        return n + " " + (n == 1 ? noun : plural);
    }

    /**
     * The plan restricted to {@code targets} and everything they need, transitively (outcome scheduling).
     * Throws {@link InvalidFlowException} for a target that is not a task.
     */
    public Plan closure(Collection<TaskId> targets) {
        List<Problem> problems = new ArrayList<>();
        BitSet keep = new BitSet(tasks.length);
        int[] stack = new int[tasks.length];
        int top = 0;
        for (TaskId t : targets) {
            Integer i = index.get(t);
            if (i == null && isSwept(t)) { // a swept task's base id: all its instances
                top = addInstances(t, keep, stack, top);
                continue;
            }
            if (i == null) {
                problems.add(Problem.unlocated(
                        "--target '" + t + "' is not a task of flow '" + flow.name() + "'",
                        "tasks are: " + someNames()));
            } else if (!keep.get(i)) {
                keep.set(i);
                stack[top++] = i;
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFlowException(problems);
        }
        while (top > 0) {
            int i = stack[--top];
            for (int k = needStart[i]; k < needStart[i + 1]; k++) {
                int j = needs[k];
                if (!keep.get(j)) {
                    keep.set(j);
                    stack[top++] = j;
                }
            }
        }
        List<TaskSpec> kept = new ArrayList<>(keep.cardinality());
        for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
            kept.add(tasks[i]);
        }
        return of(new Flow(flow.name(), flow.description(), flow.params(), flow.context(), kept));
    }
}
