package io.gyre.core;

import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Checks the macros in a flow's strings for {@link FlowLoader} and its readers, and locates each problem at the macro
 * inside the string. What resolves depends on where the string is: everywhere the declared params; inside a task the
 * task's matrix keys too (set with {@link #enterTask} while that task is read), and {@code ${REPLICA}} and
 * {@code ${SEED}} only in a sweep with replicas.
 */
final class MacroChecker {
    private final FlowLoader loader;
    private final Set<String> paramNames;
    /** The params the task being read may use: declared ones plus its matrix keys. */
    private Set<String> taskParams;
    /** Whether the task being read is a sweep with replicas (so ${REPLICA} and ${SEED} resolve). */
    private boolean taskReplicas;
    /** The dynamic keys of the task being read, as param names: their object fields are params too. */
    private List<String> taskDynamicParams = List.of();

    /** {@code paramNames} is the loader's live set of declared params, filled as the params are read. */
    MacroChecker(FlowLoader loader, Set<String> paramNames) {
        this.loader = loader;
        this.paramNames = paramNames;
        this.taskParams = paramNames;
    }

    /** Scopes the checks to a swept task until {@link #leaveTask()}. */
    void enterTask(Set<String> params, boolean replicas, List<String> dynamicParams) {
        taskParams = params;
        taskReplicas = replicas;
        taskDynamicParams = dynamicParams;
    }

    void leaveTask() {
        taskParams = paramNames;
        taskReplicas = false;
        taskDynamicParams = List.of();
    }

    void check(Node node, String what) {
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
        String[] all = loader.sourceLines();
        if (line < 0 || line >= all.length) {
            loader.problem(scalar, message, hint);
            return;
        }
        String needle = raw != null ? raw : "${";
        int from = line == start.getLine() ? start.getColumn() : 0;
        int column = all[line].indexOf(needle, from);
        if (column < 0) {
            loader.problem(scalar, message, hint);
            return;
        }
        loader.problemAt(line + 1, column + 1, message, hint);
    }
}
