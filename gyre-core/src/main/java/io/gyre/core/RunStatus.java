package io.gyre.core;

import io.gyre.api.Flow;
import io.gyre.api.TaskId;
import io.gyre.api.TaskState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A run's state read from its directory: the run and every task of its plan, in plan order (tasks that have
 * not been touched yet are pending), and a summary of each swept task. This is what {@code gyre status --output json} prints.
 */
public record RunStatus(
        String id,
        String flow,
        String state,
        String createdAt,
        @Nullable String endedAt,
        Map<String, Integer> countsByState,
        List<TaskStatus> tasks,
        List<SweepStatus> sweeps) {
    public RunStatus {
        tasks = List.copyOf(tasks);
        sweeps = List.copyOf(sweeps);
    }

    public static RunStatus of(RunDirectory dir) {
        RunInfo info = dir.readRun();
        Map<String, TaskStatus> known = new HashMap<>();
        dir.readStatuses().forEach(s -> known.put(s.id(), s));
        List<TaskStatus> tasks = new ArrayList<>();
        Flow flow = FlowLoader.parse(
                dir.flowText(), dir.path().resolve(RunDirectory.FLOW).toString());
        Plan plan = Plan.of(flow);
        if (!info.targets().isEmpty()) {
            plan = plan.closure(info.targets().stream().map(TaskId::of).toList());
        }
        Map<String, Integer> counts = new TreeMap<>();
        List<TaskStatus> planned = new ArrayList<>();
        List<SweepStatus> dynamic = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            String id = plan.task(i).id().value();
            TaskStatus s = known.getOrDefault(
                    id, new TaskStatus(id, TaskState.PENDING.wireName(), 0, null, null, null, null, null, Map.of()));
            tasks.add(s);
            planned.add(s);
            counts.merge(s.state(), 1, Integer::sum);
            if (plan.task(i).fanOut() instanceof DynamicSweep sweep) {
                // the instances follow their placeholder, in instance order, as the expansion recorded them
                List<TaskStatus> instances = known.values().stream()
                        .filter(x -> x.id().startsWith(id + "[") && x.id().endsWith("]"))
                        .sorted(java.util.Comparator.comparing(TaskStatus::id))
                        .toList();
                for (TaskStatus x : instances) {
                    tasks.add(x);
                    counts.merge(x.state(), 1, Integer::sum);
                }
                java.util.Optional<io.gyre.api.Sweep> expansion = dir.fanOutFiles()
                        .recorded(plan.task(i).id())
                        .map(r -> FanOutExpander.expand(sweep, FanOutExpander.recorded(sweep, r))
                                .sweep());
                String from = String.join(
                        ",",
                        sweep.sources().stream()
                                .map(src -> src.task().value())
                                .distinct()
                                .toList());
                dynamic.add(SweepStatus.dynamic(s, from, expansion, instances, dir::stderr));
            }
        }
        List<SweepStatus> sweeps = new ArrayList<>(SweepStatus.of(plan, planned, dir::stderr));
        sweeps.addAll(dynamic);
        return new RunStatus(
                info.id(), info.flow(), info.state(), info.createdAt(), info.endedAt(), counts, tasks, sweeps);
    }

    /**
     * A run's state as the store holds it (the truth while it runs; the directory lags by one journal window),
     * in plan order.
     */
    public static RunStatus of(
            io.gyre.api.RunRecord run,
            Plan plan,
            List<io.gyre.api.TaskRecord> records,
            java.util.function.Function<TaskId, java.nio.file.Path> stderr) {
        Map<String, TaskStatus> known = new HashMap<>();
        records.forEach(r -> known.put(r.id().value(), TaskStatus.of(r)));
        List<TaskStatus> tasks = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < plan.size(); i++) {
            String id = plan.task(i).id().value();
            TaskStatus s = known.getOrDefault(
                    id, new TaskStatus(id, TaskState.PENDING.wireName(), 0, null, null, null, null, null, Map.of()));
            tasks.add(s);
            counts.merge(s.state(), 1, Integer::sum);
        }
        io.gyre.api.RunId id = run.id();
        return new RunStatus(
                id.value(),
                run.flow(),
                run.state().wireName(),
                run.createdAt().toString(),
                run.endedAt() == null ? null : String.valueOf(run.endedAt()),
                counts,
                tasks,
                SweepStatus.of(plan, tasks, stderr));
    }

    /** The document {@code gyre status --output json} prints (snake_case keys, as in the run directory's files). */
    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new io.gyre.api.GyreException("cannot render the status of run " + id + ": " + e.getMessage(), e);
        }
    }

    /** {@code 3 succeeded, 1 failed, 1 skipped}. */
    public String counts() {
        List<String> parts = new ArrayList<>();
        countsByState.forEach((s, n) -> parts.add(n + " " + s));
        return String.join(", ", parts);
    }
}
