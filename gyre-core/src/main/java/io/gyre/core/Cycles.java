package io.gyre.core;

import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds dependency cycles in a task graph with an iterative depth-first search (an explicit stack, so a chain of a
 * million tasks cannot overflow the thread's stack). Needs that name no task of the list are ignored: reporting
 * them is the caller's job.
 */
public final class Cycles {
    private Cycles() {}

    /**
     * A cycle among {@code tasks}, if there is one, as its path with the first task repeated at the end
     * ({@code a -> b -> c -> a}). The path starts at the cycle's task declared first, so the answer does not
     * depend on where the search happened to enter the cycle. A task that needs itself is the cycle {@code a -> a}.
     */
    public static Optional<List<TaskId>> find(List<TaskSpec> tasks) {
        Map<TaskId, Integer> index = new HashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            index.putIfAbsent(tasks.get(i).id(), i);
        }
        int[][] needs = new int[tasks.size()][];
        for (int i = 0; i < tasks.size(); i++) {
            List<TaskId> declared = tasks.get(i).needs();
            int[] edges = new int[declared.size()];
            int n = 0;
            for (TaskId need : declared) {
                Integer target = index.get(need);
                if (target != null) {
                    edges[n++] = target;
                }
            }
            needs[i] = n == edges.length ? edges : java.util.Arrays.copyOf(edges, n);
        }
        List<int[]> found = find(needs, 1);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        List<TaskId> path = new ArrayList<>();
        for (int node : found.get(0)) {
            path.add(tasks.get(node).id());
        }
        return Optional.of(path);
    }

    /**
     * Up to {@code limit} cycles of the graph whose node {@code i} has edges {@code edges[i]}; each is a path of
     * node indexes starting at its smallest index, with that node repeated at the end. Every back edge found yields
     * one cycle, so distinct cycles are reported separately.
     */
    static List<int[]> find(int[][] edges, int limit) {
        int n = edges.length;
        byte[] state = new byte[n]; // 0 unvisited, 1 on the stack, 2 done
        int[] stack = new int[n];
        int[] next = new int[n]; // next edge to follow, per node
        int[] depth = new int[n]; // position on the stack of a node that is on it
        List<int[]> cycles = new ArrayList<>();
        for (int root = 0; root < n && cycles.size() < limit; root++) {
            if (state[root] != 0) {
                continue;
            }
            int top = 0;
            stack[top++] = root;
            state[root] = 1;
            depth[root] = 0;
            while (top > 0) {
                int v = stack[top - 1];
                if (next[v] < edges[v].length) {
                    int w = edges[v][next[v]++];
                    if (state[w] == 0) {
                        state[w] = 1;
                        depth[w] = top;
                        stack[top++] = w;
                    } else if (state[w] == 1) {
                        cycles.add(rotate(stack, depth[w], top));
                        if (cycles.size() >= limit) {
                            return cycles;
                        }
                    }
                } else {
                    state[v] = 2;
                    top--;
                }
            }
        }
        return cycles;
    }

    /** The stack slice {@code [from, to)} as a closed path starting at its smallest node. */
    private static int[] rotate(int[] stack, int from, int to) {
        int length = to - from;
        int start = 0;
        for (int i = 1; i < length; i++) {
            if (stack[from + i] < stack[from + start]) {
                start = i;
            }
        }
        int[] path = new int[length + 1];
        for (int i = 0; i < length; i++) {
            path[i] = stack[from + (start + i) % length];
        }
        path[length] = path[0];
        return path;
    }

    /**
     * A shortest chain of needs from {@code from} to {@code to} ({@code from, ..., to}, where each member needs the
     * next), or an empty list when {@code from} does not (transitively) need {@code to}.
     */
    static List<Integer> path(int[][] edges, int from, int to) {
        int[] parent = new int[edges.length];
        java.util.Arrays.fill(parent, -1);
        parent[from] = from;
        java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
        queue.add(from);
        while (!queue.isEmpty()) {
            int i = queue.poll();
            if (i == to) {
                java.util.ArrayList<Integer> path = new java.util.ArrayList<>();
                for (int at = to; at != from; at = parent[at]) {
                    path.addFirst(at);
                }
                path.addFirst(from);
                return path;
            }
            for (int j : edges[i]) {
                if (parent[j] < 0) {
                    parent[j] = i;
                    queue.add(j);
                }
            }
        }
        return List.of();
    }
}
