package io.gyre.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gyre.api.Action;
import io.gyre.api.FanOut;
import io.gyre.api.GyreException;
import io.gyre.api.Sweep;
import io.gyre.api.SweepPoint;
import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a plan without running it: {@code gyre plan --format text|json|mermaid|dot}. */
public enum PlanFormat {
    TEXT,
    JSON,
    MERMAID,
    DOT;

    public static PlanFormat parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(List.of("--format '" + name + "' is not one of text, json, mermaid, dot"));
        }
    }

    public String render(Plan plan) {
        return switch (this) {
            case TEXT -> text(plan);
            case JSON -> json(plan);
            case MERMAID -> mermaid(plan);
            case DOT -> dot(plan);
        };
    }

    private static List<List<Integer>> byLevel(Plan plan) {
        List<List<Integer>> levels = new ArrayList<>();
        for (int l = 0; l < plan.levels(); l++) {
            levels.add(new ArrayList<>());
        }
        for (int i = 0; i < plan.size(); i++) {
            levels.get(plan.level(i)).add(i);
        }
        return levels;
    }

    private static String text(Plan plan) {
        StringBuilder out = new StringBuilder();
        out.append("flow ")
                .append(plan.flow().name())
                .append(": ")
                .append(plan.summary())
                .append('\n');
        for (String summary : sweepSummaries(plan)) {
            out.append(summary).append('\n');
        }
        List<List<Integer>> levels = byLevel(plan);
        for (int l = 0; l < levels.size(); l++) {
            out.append("level ").append(l).append(":\n");
            for (int i : levels.get(l)) {
                TaskSpec t = plan.task(i);
                out.append("  ").append(t.id());
                if (!t.needs().isEmpty()) {
                    out.append("  <- ").append(needs(t.needs()));
                }
                if (t.when() != io.gyre.api.Trigger.SUCCESS) {
                    out.append("  [when: ").append(t.when().wireName()).append(']');
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** At most {@link #SHOWN_NEEDS} needs; a fan-in over a large sweep would otherwise be one enormous line. */
    private static final int SHOWN_NEEDS = 8;

    private static String needs(List<TaskId> needs) {
        if (needs.size() <= SHOWN_NEEDS) {
            return String.join(", ", needs.stream().map(TaskId::value).toList());
        }
        return String.join(
                        ", ",
                        needs.subList(0, SHOWN_NEEDS).stream()
                                .map(TaskId::value)
                                .toList())
                + ", ... (" + needs.size() + " in all)";
    }

    /** {@code train: 8 points x 3 replicas = 24 tasks}, one line per swept task, in plan order. */
    static List<String> sweepSummaries(Plan plan) {
        Map<Sweep, Integer> present = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            SweepPoint p = plan.task(i).point();
            if (p != null) {
                present.merge(p.sweep(), 1, Integer::sum);
            }
            FanOut f = plan.task(i).fanOut();
            if (f != null) {
                lines.add(plan.task(i).id() + ": " + fanOutSummary(f));
            }
        }
        present.forEach((sweep, n) -> {
            StringBuilder line = new StringBuilder(sweep.task().value())
                    .append(": ")
                    .append(sweep.points())
                    .append(sweep.points() == 1 ? " point" : " points");
            if (sweep.replicas() > 0) {
                line.append(" x ").append(sweep.replicas()).append(sweep.replicas() == 1 ? " replica" : " replicas");
            }
            line.append(" = ").append(sweep.instances()).append(" tasks");
            if (n != sweep.instances()) {
                line.append(" (").append(n).append(" planned)");
            }
            lines.add(line.toString());
        });
        return lines;
    }

    /** {@code expanded at run time from list_inputs (x 2 static points x 3 replicas)}. */
    static String fanOutSummary(FanOut f) {
        StringBuilder line = new StringBuilder("expanded at run time from ").append(String.join(", ", sources(f)));
        List<String> times = new ArrayList<>();
        if (f.staticPoints() != 1) {
            times.add(f.staticPoints() + " static points");
        } else if (f.sources().size() < keys(f)) {
            times.add("1 static point");
        }
        if (f.replicas() > 0) {
            times.add(f.replicas() + (f.replicas() == 1 ? " replica" : " replicas"));
        }
        if (!times.isEmpty()) {
            line.append(" (x ").append(String.join(" x ", times)).append(')');
        }
        return line.toString();
    }

    private static List<String> sources(FanOut f) {
        return f.sources().stream().map(s -> s.task().value()).distinct().toList();
    }

    private static int keys(FanOut f) {
        return f instanceof DynamicSweep d
                ? d.matrix().keys().size()
                : f.sources().size();
    }

    private static String json(Plan plan) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("flow", plan.flow().name());
        root.put("task_count", plan.size());
        root.put("edge_count", plan.edges());
        List<List<String>> levels = new ArrayList<>();
        for (List<Integer> level : byLevel(plan)) {
            levels.add(level.stream().map(i -> plan.task(i).id().value()).toList());
        }
        root.put("levels", levels);
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            TaskSpec t = plan.task(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id().value());
            m.put("level", plan.level(i));
            m.put("needs", t.needs().stream().map(n -> n.value()).toList());
            m.put("when", t.when().wireName());
            m.put("queue", t.queue().value());
            m.put(
                    "kind",
                    switch (t.action()) {
                        case Action.Shell s -> "run";
                        case Action.Command c -> "command";
                        case Action.Java j -> "java";
                    });
            if (!t.description().isEmpty()) {
                m.put("description", t.description());
            }
            SweepPoint p = t.point();
            if (p != null) {
                Map<String, Object> sweep = new LinkedHashMap<>();
                sweep.put("task", p.sweep().task().value());
                sweep.put("number", p.number());
                sweep.put("hash", p.hash());
                sweep.put("values", p.asMap());
                if (p.sweep().replicas() > 0) {
                    sweep.put("replica", p.replica());
                    sweep.put("seed", p.seed());
                }
                m.put("sweep", sweep);
            }
            FanOut f = t.fanOut();
            if (f != null) {
                Map<String, Object> fanOut = new LinkedHashMap<>();
                fanOut.put("expanded_at_run_time_from", sources(f));
                Map<String, Object> keys = new LinkedHashMap<>();
                for (FanOut.Source s : f.sources()) {
                    keys.put(s.key(), Map.of("from", s.task().value(), "file", s.file()));
                }
                fanOut.put("keys", keys);
                fanOut.put("static_points", f.staticPoints());
                if (f.replicas() > 0) {
                    fanOut.put("replicas", f.replicas());
                }
                m.put("fan_out", fanOut);
            }
            tasks.add(m);
        }
        root.put("tasks", tasks);
        try {
            return Json.MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new GyreException("cannot render the plan as JSON: " + e.getMessage(), e);
        }
    }

    private static String mermaid(Plan plan) {
        StringBuilder out = new StringBuilder("flowchart TD\n");
        for (int i = 0; i < plan.size(); i++) {
            out.append("    t")
                    .append(i)
                    .append("[\"")
                    .append(plan.task(i).id().value())
                    .append("\"]\n");
        }
        for (int i = 0; i < plan.size(); i++) {
            for (int k = 0; k < plan.needCount(i); k++) {
                out.append("    t")
                        .append(plan.need(i, k))
                        .append(" --> t")
                        .append(i)
                        .append('\n');
            }
        }
        return out.toString();
    }

    private static String dot(Plan plan) {
        StringBuilder out = new StringBuilder("digraph \"")
                .append(plan.flow().name().replace("\"", "\\\""))
                .append("\" {\n");
        out.append("    rankdir=LR;\n");
        for (int i = 0; i < plan.size(); i++) {
            out.append("    \"").append(plan.task(i).id().value()).append("\";\n");
        }
        for (int i = 0; i < plan.size(); i++) {
            for (int k = 0; k < plan.needCount(i); k++) {
                out.append("    \"")
                        .append(plan.task(plan.need(i, k)).id().value())
                        .append("\" -> \"")
                        .append(plan.task(i).id().value())
                        .append("\";\n");
            }
        }
        return out.append("}\n").toString();
    }
}
