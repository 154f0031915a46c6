package io.gyre.core;

import io.gyre.api.ParamValue;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Gyre's macros and the run context's precedence.
 *
 * <p>Macros: {@code ${DATE}} (YYYY-MM-DD), {@code ${TIME}} (HH:MM:SS), {@code ${DATETIME}} (YYYY-MM-DDTHH:MM:SS),
 * all from the run's creation instant in UTC; {@code ${RUN_ID}}; {@code ${RANDOM:n}} (n random decimal digits,
 * 1 to 18); {@code ${params.x}}; {@code ${ctx.KEY}}; {@code ${env.NAME}}; {@code ${REPLICA}} and {@code ${SEED}} in
 * instances of a sweep with replicas. {@code $${} stands for a literal
 * {@code ${}. Any other {@code ${...}} without a dot (such as {@code ${HOME}} or {@code ${x:-default}}) is left as
 * it is, so bash still expands its own variables in {@code run:} scripts; a dotted one with an unknown namespace
 * ({@code ${param.x}}) is an error, as bash would reject it anyway.
 *
 * <p>Expansion: {@link #expand} substitutes text (for argv entries, environment and context values: no shell
 * parses them). {@link #expandScript} never splices a value into a script: each macro becomes a reference to a
 * generated environment variable whose value is the macro's value, so a parameter like {@code '; rm -rf ~; '}
 * reaches bash as data.
 *
 * <p>Precedence of the run context, lowest first: parameter values &lt; the flow's {@code context:} &lt; a task's
 * {@code env:} (applied per task by the engine) &lt; submit-time {@code --set} overrides. See {@link #runContext}.
 */
public final class Macros {
    /** The prefix of the variables {@link #expandScript} generates; flow files may not define names with it. */
    public static final String GENERATED_PREFIX = "GYRE_M_";

    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DOTTED = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\.[^\\s{}$]*");
    private static final List<String> NAMESPACES = List.of("params", "ctx", "env");
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private Macros() {}

    /** One recognised macro. */
    sealed interface Macro {
        record Clock(DateTimeFormatter format) implements Macro {}

        record RunIdRef() implements Macro {}

        record Random(int digits) implements Macro {}

        record Param(String name) implements Macro {}

        record Ctx(String key) implements Macro {}

        record Env(String name) implements Macro {}

        /** {@code ${REPLICA}} or {@code ${SEED}} of a sweep instance with replicas. */
        record Point(String name) implements Macro {}
    }

    /** The macros a sweep instance with replicas resolves ({@code ${REPLICA}}, {@code ${SEED}}). */
    public static final List<String> POINT_MACROS = List.of("REPLICA", "SEED");

    /** A piece of parsed text: literal text or a macro. */
    sealed interface Part {
        record Literal(String text) implements Part {}

        /**
         * @param source the macro as written, e.g. {@code ${params.x}}
         * @param offset where it starts in the text
         */
        record Ref(Macro macro, String source, int offset) implements Part {}
    }

    /** Expands every macro in {@code text} by substitution. */
    public static String expand(String text, MacroScope scope) {
        StringBuilder out = new StringBuilder(text.length());
        for (Part part : parse(text)) {
            switch (part) {
                case Part.Literal literal -> out.append(literal.text());
                case Part.Ref ref -> out.append(value(ref, scope));
            }
        }
        return out.toString();
    }

    /**
     * Rewrites a {@code run:} script so that every macro occurrence becomes {@code ${GYRE_M_n}} and returns the
     * values of those variables alongside. Macros inside single quotes or quoted heredocs are therefore not
     * expanded by bash: write them where bash expands variables (preferably inside double quotes).
     */
    public static ShellScript expandScript(String script, MacroScope scope) {
        StringBuilder out = new StringBuilder(script.length());
        Map<String, String> env = new LinkedHashMap<>();
        for (Part part : parse(script)) {
            switch (part) {
                case Part.Literal literal -> out.append(literal.text());
                case Part.Ref ref -> {
                    String variable = GENERATED_PREFIX + (env.size() + 1);
                    env.put(variable, value(ref, scope));
                    out.append("${").append(variable).append('}');
                }
            }
        }
        return new ShellScript(out.toString(), env);
    }

    /**
     * The macros of {@code text} as written inside their braces ({@code params.x}, {@code DATE},
     * {@code RANDOM:4}), in order; throws {@link MacroException} if one is malformed.
     */
    public static List<String> references(String text) {
        List<String> refs = new ArrayList<>();
        for (Part part : parse(text)) {
            if (part instanceof Part.Ref ref) {
                refs.add(ref.source().substring(2, ref.source().length() - 1));
            }
        }
        return refs;
    }

    /**
     * Expands the flow's {@code context:} values in declaration order; each value may use {@code ${ctx.KEY}} of
     * parameters and of the entries declared before it.
     */
    public static Map<String, String> expandContext(Map<String, String> flowContext, MacroScope scope) {
        Map<String, String> visible = new LinkedHashMap<>(scope.context());
        Map<String, String> expanded = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : flowContext.entrySet()) {
            String value = expand(entry.getValue(), scope.withContext(visible));
            expanded.put(entry.getKey(), value);
            visible.put(entry.getKey(), value);
        }
        return expanded;
    }

    /**
     * The run's context: parameter values (rendered) &lt; the flow's expanded {@code context:} &lt; submit-time
     * {@code --set} overrides; a later source replaces an earlier one's key. A task's {@code env:} sits between the
     * flow context and the overrides; the engine applies it per task.
     */
    public static Map<String, String> runContext(
            Map<String, ParamValue> params, Map<String, String> flowContext, Map<String, String> setOverrides) {
        Map<String, String> context = new LinkedHashMap<>();
        params.forEach((name, value) -> context.put(name, value.render()));
        context.putAll(flowContext);
        context.putAll(setOverrides);
        return context;
    }

    /** Splits {@code text} into literals and macros; throws {@link MacroException} on a malformed macro. */
    static List<Part> parse(String text) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new MacroException(
                            "unterminated '${': close it with '}', or write '$${' for a literal '${'", i);
                }
                Macro macro = recognise(text.substring(i + 2, close), i);
                if (macro == null) { // not ours (e.g. bash's ${HOME}); its body may still hold macros
                    literal.append("${");
                    i += 2;
                } else {
                    if (!literal.isEmpty()) {
                        parts.add(new Part.Literal(literal.toString()));
                        literal.setLength(0);
                    }
                    parts.add(new Part.Ref(macro, text.substring(i, close + 1), i));
                    i = close + 1;
                }
            } else {
                literal.append(text.charAt(i++));
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Part.Literal(literal.toString()));
        }
        return parts;
    }

    private static @org.jspecify.annotations.Nullable Macro recognise(String body, int offset) {
        switch (body) {
            case "DATE" -> {
                return new Macro.Clock(DATE);
            }
            case "TIME" -> {
                return new Macro.Clock(TIME);
            }
            case "DATETIME" -> {
                return new Macro.Clock(DATETIME);
            }
            case "RUN_ID" -> {
                return new Macro.RunIdRef();
            }
            case "REPLICA", "SEED" -> {
                return new Macro.Point(body);
            }
            default -> {}
        }
        if (body.startsWith("RANDOM:")) {
            String n = body.substring("RANDOM:".length());
            if (!n.matches("[0-9]{1,2}") || Integer.parseInt(n) < 1 || Integer.parseInt(n) > 18) {
                throw new MacroException(
                        "malformed macro '${" + body + "}': use ${RANDOM:n} with n a whole number from 1 to 18",
                        offset);
            }
            return new Macro.Random(Integer.parseInt(n));
        }
        int dot = body.indexOf('.');
        if (dot < 0 || !DOTTED.matcher(body).matches()) {
            return null;
        }
        String namespace = body.substring(0, dot);
        String name = body.substring(dot + 1);
        if (!NAMESPACES.contains(namespace)) {
            String hint = Suggestions.closest(namespace, NAMESPACES)
                    .map(s -> "did you mean '${" + s + "." + name + "}'?")
                    .orElse("use ${params.NAME}, ${ctx.KEY} or ${env.NAME}");
            throw new MacroException("unknown macro '${" + body + "}' (" + hint + ")", offset);
        }
        if (!NAME.matcher(name).matches()) {
            throw new MacroException(
                    "malformed macro '${" + body + "}': use ${" + namespace
                            + ".NAME} with NAME made of letters, digits and '_'",
                    offset);
        }
        return switch (namespace) {
            case "params" -> new Macro.Param(name);
            case "ctx" -> new Macro.Ctx(name);
            default -> new Macro.Env(name);
        };
    }

    private static String value(Part.Ref ref, MacroScope scope) {
        return switch (ref.macro()) {
            case Macro.Clock clock -> clock.format().format(scope.runStart());
            case Macro.RunIdRef runId -> scope.run().value();
            case Macro.Random random -> {
                StringBuilder digits = new StringBuilder(random.digits());
                for (int i = 0; i < random.digits(); i++) {
                    digits.append((char) ('0' + scope.random().nextInt(10)));
                }
                yield digits.toString();
            }
            case Macro.Param param -> {
                ParamValue v = scope.params().get(param.name());
                if (v == null) {
                    throw unresolved(
                            ref,
                            "no param '" + param.name() + "' has a value",
                            scope.params().keySet());
                }
                yield v.render();
            }
            case Macro.Ctx ctx -> {
                String v = scope.context().get(ctx.key());
                if (v == null) {
                    throw unresolved(
                            ref,
                            "the run's context has no key '" + ctx.key() + "'",
                            scope.context().keySet());
                }
                yield v;
            }
            case Macro.Point point -> {
                String v = scope.point().get(point.name());
                if (v == null) {
                    throw new MacroException(
                            "cannot resolve " + ref.source() + ": only instances of a sweep with replicas have it",
                            ref.offset());
                }
                yield v;
            }
            case Macro.Env env -> {
                String v = scope.environment().get(env.name());
                if (v == null) {
                    throw unresolved(ref, "the environment has no variable '" + env.name() + "'", Set.of());
                }
                yield v;
            }
        };
    }

    private static MacroException unresolved(Part.Ref ref, String why, Set<String> known) {
        String name = ref.source()
                .substring(ref.source().indexOf('.') + 1, ref.source().length() - 1);
        String hint = Suggestions.hint(name, known);
        return new MacroException(
                "cannot resolve " + ref.source() + ": " + why + (hint.isEmpty() ? "" : " (" + hint + ")"),
                ref.offset());
    }
}
