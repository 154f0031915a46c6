package io.gyre.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The instances of a run's dynamic sweeps (ADR 0010): how a placeholder's lists are read (from the recorded
 * expansion when there is one, else from its sources' files, recorded before any instance exists), and the
 * bookkeeping that ties each instance (driver index {@code >= plan.size()}) to its placeholder: specs, indexes by
 * id, which placeholders had an instance that did not succeed, and the outputs their instances published. Owned
 * by the driver's drainer (ADR 0003); the decisions (what becomes ready, when a placeholder ends) are
 * {@link SweepDriver}'s.
 */
final class SweepInstances {
    private final Plan plan;
    private final FanOutFiles files;
    /** The instances created so far, by index minus plan.size(), and their placeholders. */
    private final List<TaskSpec> instances = new ArrayList<>();

    private int[] placeholderOf = new int[0];
    private final Map<TaskId, Integer> index = new HashMap<>();
    /** Placeholders with an instance that did not succeed; the outputs their instances published. */
    private final BitSet failed = new BitSet();

    private final Map<Integer, Map<String, String>> outputs = new HashMap<>();

    SweepInstances(Plan plan, FanOutFiles files) {
        this.plan = plan;
        this.files = files;
    }

    /**
     * The expansion of {@code sweep}, the fan-out of task {@code spec}: from the recorded expansion if the run
     * recorded one, else from the sources' lists, which it then records.
     *
     * @throws io.gyre.api.GyreException if a list cannot be read, parsed or expanded
     */
    SweepExpander.Expansion expansion(TaskSpec spec, DynamicSweep sweep) {
        String recorded = files.recorded(spec.id()).orElse(null);
        List<JsonNode> lists;
        if (recorded != null) {
            lists = FanOutExpander.recorded(sweep, recorded);
        } else {
            List<String> texts = new ArrayList<>();
            for (int s = 0; s < sweep.matrix().dynamic().size(); s++) {
                Matrix.Dynamic d = sweep.matrix().dynamic().get(s);
                texts.add(files.read(FanOutExpander.sourceTask(sweep, s), d.file()));
            }
            lists = FanOutExpander.parse(sweep, texts);
        }
        SweepExpander.Expansion x = FanOutExpander.expand(sweep, lists);
        if (recorded == null) {
            files.record(spec.id(), FanOutExpander.record(sweep, lists));
        }
        return x;
    }

    /** Adds the instances of placeholder {@code p} (task {@code spec}) at driver indexes from {@code first}. */
    void add(int p, TaskSpec spec, int first, SweepExpander.Expansion x) {
        int count = x.ids().length;
        int end = first + count - plan.size();
        if (end > placeholderOf.length) {
            placeholderOf =
                    Arrays.copyOf(placeholderOf, Math.max(end, placeholderOf.length + (placeholderOf.length >> 1)));
        }
        for (int k = 0; k < count; k++) {
            instances.add(spec.instance(x.ids()[k], spec.needs(), x.points()[k]));
            placeholderOf[first + k - plan.size()] = p;
            index.put(x.ids()[k], first + k);
        }
    }

    /** The spec of task {@code i}, of the plan or an instance. */
    TaskSpec spec(int i) {
        return i < plan.size() ? plan.task(i) : instances.get(i - plan.size());
    }

    /** The driver index of task {@code id}, of the plan or an instance. */
    int indexOf(TaskId id) {
        Integer i = index.get(id);
        return i != null ? i : plan.indexOf(id);
    }

    /** The placeholder of instance {@code c} ({@code c >= plan.size()}). */
    int placeholderOf(int c) {
        return placeholderOf[c - plan.size()];
    }

    /** Notes that an instance of placeholder {@code p} did not succeed. */
    void instanceFailed(int p) {
        failed.set(p);
    }

    /** Whether every instance of placeholder {@code p} that ended so far succeeded. */
    boolean allSucceeded(int p) {
        return !failed.get(p);
    }

    /** Adds outputs an instance of placeholder {@code p} published to those the placeholder will end with. */
    void publish(int p, Map<String, String> published) {
        outputs.computeIfAbsent(p, q -> new HashMap<>()).putAll(published);
    }

    /** How the instances of a placeholder ended: how many, how many did not succeed, the first few of those. */
    record Ends(int total, int notSucceeded, List<String> some, boolean anyCancelled) {}

    /** How the instances of placeholder {@code p} ended (every one of them has). */
    Ends ends(int p, TaskTable t) {
        List<String> notOk = new ArrayList<>();
        int total = 0;
        int notSucceeded = 0;
        boolean anyCancelled = false;
        for (int c = plan.size(); c < t.size; c++) {
            if (placeholderOf(c) == p) {
                total++;
                if (t.finalState[c] != TaskTable.SUCCEEDED) {
                    notSucceeded++;
                    anyCancelled |= t.finalState[c] == TaskTable.CANCELLED;
                    if (notOk.size() < 5) {
                        notOk.add(spec(c).id().value());
                    } else if (notOk.size() == 5) {
                        notOk.add("...");
                    }
                }
            }
        }
        return new Ends(total, notSucceeded, notOk, anyCancelled);
    }

    /** The outputs the instances of placeholder {@code p} published. */
    Map<String, String> outputs(int p) {
        return outputs.getOrDefault(p, Map.of());
    }
}
