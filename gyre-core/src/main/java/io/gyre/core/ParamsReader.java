package io.gyre.core;

import io.gyre.api.ParamSpec;
import io.gyre.api.ParamType;
import io.gyre.api.ParamValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a flow's {@code params:} mapping for {@link FlowLoader}: name to a default, or to {@code {type, default,
 * required, description}}. Every declared name is recorded in {@link FlowLoader#paramNames()} before any is checked,
 * even an invalid one, so a bad declaration does not cascade into "unknown param" problems; a default without a
 * declared type takes its type from the YAML 1.2 core schema, strictly.
 */
final class ParamsReader {
    private static final List<String> PARAM_KEYS = List.of("type", "default", "required", "description");
    private static final List<String> TYPES = List.of("string", "int", "float", "bool", "list");

    private final FlowLoader loader;
    private final ScalarReader scalars;

    ParamsReader(FlowLoader loader) {
        this.loader = loader;
        this.scalars = loader.scalars();
    }

    List<ParamSpec> read(@Nullable Node node) {
        List<ParamSpec> specs = new ArrayList<>();
        if (node == null || FlowLoader.isNothing(node)) {
            return specs;
        }
        if (!(node instanceof MappingNode mapping)) {
            loader.problem(
                    node,
                    "params must be a mapping of name to default or {type, default, ...}, got " + FlowLoader.kind(node),
                    "");
            return specs;
        }
        for (Map.Entry<String, NodeTuple> entry :
                loader.entries(mapping, "param", "").entrySet()) {
            loader.paramNames().add(entry.getKey()); // even if invalid below: spare the user cascading "unknown param"s
        }
        for (Map.Entry<String, NodeTuple> entry :
                loader.entries(mapping, "param", "", false).entrySet()) {
            String name = entry.getKey();
            Node keyNode = entry.getValue().getKeyNode();
            Node valueNode = entry.getValue().getValueNode();
            int before = loader.problemCount();
            if (!Macros.NAME.matcher(name).matches()) {
                loader.problem(
                        keyNode,
                        "invalid param name '" + name + "'",
                        "use letters, digits and '_', not starting with a digit");
            }
            ParamSpec spec = param(name, valueNode);
            if (spec != null && loader.problemCount() == before) {
                specs.add(spec);
            }
        }
        return specs;
    }

    private @Nullable ParamSpec param(String name, Node node) {
        String what = "param '" + name + "'";
        if (FlowLoader.isNothing(node)) {
            return new ParamSpec(name, ParamType.STRING, null, true, "");
        }
        if (!(node instanceof MappingNode mapping)) {
            ParamValue inferred = inferred(node, what);
            return inferred == null ? null : new ParamSpec(name, inferred.type(), inferred, false, "");
        }
        Map<String, NodeTuple> e = loader.entries(mapping, "key", "in " + what);
        loader.checkKeys(e, PARAM_KEYS, "in " + what);
        ParamType type = null;
        boolean typeOk = true;
        Node typeNode = FlowLoader.value(e, "type");
        if (typeNode != null) {
            String t = scalars.text(typeNode, "type of " + what);
            if (t != null && TYPES.contains(t)) {
                type = ParamType.valueOf(t.toUpperCase(Locale.ROOT));
            } else {
                typeOk = false;
                if (t != null) {
                    loader.problem(
                            typeNode,
                            "unknown type '" + t + "' for " + what,
                            FlowLoader.suggest(t, TYPES, "use one of"));
                }
            }
        }
        ParamValue defaultValue = null;
        Node defaultNode = FlowLoader.value(e, "default");
        if (defaultNode != null && typeOk) {
            defaultValue = type == null ? inferred(defaultNode, "default of " + what) : typed(defaultNode, name, type);
        }
        if (type == null) {
            type = defaultValue == null ? ParamType.STRING : defaultValue.type();
        }
        Node requiredNode = FlowLoader.value(e, "required");
        Boolean required = requiredNode == null ? null : scalars.bool(requiredNode, "required of " + what);
        String description = scalars.optionalText(FlowLoader.value(e, "description"), "description of " + what, "");
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
            loader.problem(
                    node,
                    what + " must be a value, a list or a mapping with type and default, got " + FlowLoader.kind(node),
                    "");
            return null;
        }
        String v = scalar.getValue();
        if (scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
            return new ParamValue.Text(v);
        }
        if (ScalarReader.INT.matcher(v).matches()) {
            ParamValue parsed = Params.parse(ParamType.INT, v);
            return parsed != null ? parsed : new ParamValue.Text(v);
        }
        if (ScalarReader.FLOAT.matcher(v).matches()) {
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
                String text = scalars.text(item, "an item of param '" + name + "'");
                if (text == null) {
                    return null;
                }
                items.add(text);
            }
            return new ParamValue.Items(items);
        }
        if (!(node instanceof ScalarNode scalar)) {
            loader.problem(
                    node,
                    "the default of param '" + name + "' must be a " + type.wireName() + ", got "
                            + FlowLoader.kind(node),
                    "");
            return null;
        }
        ParamValue value = Params.parse(type, scalar.getValue());
        if (value == null) {
            loader.problem(node, Params.typeMismatch(name, type, scalar.getValue()), "fix the default or the type");
        }
        return value;
    }
}
