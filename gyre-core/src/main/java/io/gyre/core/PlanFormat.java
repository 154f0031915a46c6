package io.gyre.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gyre.api.Action;
import io.gyre.api.GyreException;
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
        List<List<Integer>> levels = byLevel(plan);
        for (int l = 0; l < levels.size(); l++) {
            out.append("level ").append(l).append(":\n");
            for (int i : levels.get(l)) {
                TaskSpec t = plan.task(i);
                out.append("  ").append(t.id());
                if (!t.needs().isEmpty()) {
                    out.append("  <- ")
                            .append(String.join(
                                    ", ", t.needs().stream().map(n -> n.value()).toList()));
                }
                if (t.when() != io.gyre.api.Trigger.SUCCESS) {
                    out.append("  [when: ").append(t.when().wireName()).append(']');
                }
                out.append('\n');
            }
        }
        return out.toString();
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
