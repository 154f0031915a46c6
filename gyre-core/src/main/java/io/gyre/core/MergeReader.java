package io.gyre.core;

import io.gyre.api.MergeOp;
import io.gyre.api.MergeSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a flow's {@code merge:} mapping for {@link FlowLoader}: result name (or glob) to {@code {op, weight}} or
 * to an op alone ({@code pi: mean}). Reports unknown ops, weights and keys, located.
 */
final class MergeReader {
    static final List<String> KEYS = List.of("op", "weight");
    private static final List<String> OPS =
            Arrays.stream(MergeOp.values()).map(MergeOp::wireName).toList();
    private static final List<String> WEIGHTS = Arrays.stream(MergeSpec.Weighting.values())
            .map(MergeSpec.Weighting::wireName)
            .toList();
    /** Result names: letters, digits, '_', '-', '.', and '*' as a wildcard. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_*][A-Za-z0-9_.*-]*");

    private final FlowLoader loader;

    MergeReader(FlowLoader loader) {
        this.loader = loader;
    }

    List<MergeSpec> read(@Nullable Node node) {
        List<MergeSpec> specs = new ArrayList<>();
        if (node == null || FlowLoader.isNothing(node)) {
            return specs;
        }
        if (!(node instanceof MappingNode mapping)) {
            loader.problem(
                    node,
                    "merge must be a mapping of result name to {op, weight}, got " + FlowLoader.kind(node),
                    "e.g. merge: {dose: {op: weighted-mean}, pi: mean}");
            return specs;
        }
        for (Map.Entry<String, NodeTuple> entry :
                loader.entries(mapping, "result name", "in merge").entrySet()) {
            String name = entry.getKey();
            if (!NAME.matcher(name).matches()) {
                loader.problem(
                        entry.getValue().getKeyNode(),
                        "invalid result name '" + name + "' in merge",
                        "use letters, digits, '_', '-' and '.', with '*' matching any run of characters");
                continue;
            }
            MergeSpec spec = spec(name, entry.getValue().getValueNode());
            if (spec != null) {
                specs.add(spec);
            }
        }
        return specs;
    }

    private @Nullable MergeSpec spec(String name, Node node) {
        String where = "in merge of '" + name + "'";
        if (node instanceof ScalarNode scalar && !FlowLoader.isNothing(scalar)) {
            MergeOp op = op(scalar, where);
            return op == null ? null : new MergeSpec(name, op, MergeSpec.Weighting.SNAPSHOT);
        }
        if (!(node instanceof MappingNode mapping)) {
            loader.problem(
                    node,
                    "the merge of '" + name + "' must be an op or {op, weight}, got " + FlowLoader.kind(node),
                    "e.g. " + name + ": {op: weighted-mean, weight: snapshot}");
            return null;
        }
        Map<String, NodeTuple> e = loader.entries(mapping, "key", where);
        loader.checkKeys(e, KEYS, where);
        MergeOp op = MergeOp.WEIGHTED_MEAN;
        Node opNode = FlowLoader.value(e, "op");
        if (opNode != null) {
            op = op(opNode, where);
        }
        MergeSpec.Weighting weighting = MergeSpec.Weighting.SNAPSHOT;
        Node weightNode = FlowLoader.value(e, "weight");
        if (weightNode != null) {
            String w = weightNode instanceof ScalarNode s ? s.getValue() : null;
            if (w == null || !WEIGHTS.contains(w)) {
                loader.problem(
                        weightNode,
                        "unknown weight " + FlowLoader.kind(weightNode) + " " + where,
                        w == null
                                ? "use one of " + String.join(", ", WEIGHTS)
                                : FlowLoader.suggest(w, WEIGHTS, "use one of"));
                weighting = null;
            } else {
                weighting = MergeSpec.Weighting.valueOf(w.toUpperCase(java.util.Locale.ROOT));
            }
        }
        return op == null || weighting == null ? null : new MergeSpec(name, op, weighting);
    }

    private @Nullable MergeOp op(Node node, String where) {
        String text = node instanceof ScalarNode s ? s.getValue() : null;
        if (text == null || !OPS.contains(text)) {
            loader.problem(
                    node,
                    "unknown merge op " + FlowLoader.kind(node) + " " + where,
                    text == null
                            ? "use one of " + String.join(", ", OPS)
                            : FlowLoader.suggest(text, OPS, "use one of"));
            return null;
        }
        return MergeOp.parse(text);
    }
}
