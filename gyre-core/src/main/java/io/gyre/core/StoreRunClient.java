package io.gyre.core;

import io.gyre.api.ClusterRegistry;
import io.gyre.api.GyreException;
import io.gyre.api.NotFoundException;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.StateQueries;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskSpec;
import io.gyre.api.TaskState;
import io.gyre.api.WorkerInfo;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** {@link RunClient} straight over the store, the cluster registry and the shared run directories. */
final class StoreRunClient implements RunClient {
    private final StateStore store;
    private final StateQueries queries;
    private final ClusterRegistry registry;
    private final Path runsDir;
    private final InstantSource clock;
    private final Map<RunId, Plan> plans = new ConcurrentHashMap<>();

    StoreRunClient(
            StateStore store, StateQueries queries, ClusterRegistry registry, Path runsDir, InstantSource clock) {
        this.store = store;
        this.queries = queries;
        this.registry = registry;
        this.runsDir = runsDir;
        this.clock = clock;
    }

    @Override
    public RunId submit(LocalRun.Prepared p) {
        // Crash-safe in this order (ADR 0012): the directory first (an unused one is harmless), then createRun,
        // which makes the run active in the same atomic step, so orchestrators drive it whether or not the
        // announcement below (read only by gyre pools; the adopting orchestrator repeats it) is ever made.
        RunDirectory dir = RunDirectory.create(runsDir, p.id(), p.flowText());
        dir.writeRun(LocalRun.info(p));
        Plan plan = p.plan();
        List<TaskRecord> tasks = new ArrayList<>(plan.size());
        for (int i = 0; i < plan.size(); i++) {
            tasks.add(TaskRecord.pending(p.id(), plan.task(i).id()));
        }
        store.createRun(
                new RunRecord(p.id(), plan.flow().name(), RunState.PENDING, 0, p.createdAt(), null, p.context()),
                tasks);
        registry.announceRun(p.id());
        return p.id();
    }

    private RunRecord record(RunId run) {
        try {
            return store.run(run);
        } catch (NotFoundException e) {
            throw new GyreException("there is no run " + run + " in this store (check --store and the run id; "
                    + "'gyre submit' prints the id)");
        }
    }

    private RunDirectory directory(RunId run) {
        Path path = runsDir.resolve(run.value());
        if (!Files.isDirectory(path)) {
            throw new GyreException("run " + run + " is in the store but its directory " + path
                    + " is missing; pass the shared --data-dir the server uses");
        }
        return RunDirectory.open(path);
    }

    private Plan plan(RunId run) {
        Plan cached = plans.get(run);
        if (cached != null) {
            return cached;
        }
        RunDirectory dir = directory(run);
        RunInfo info = dir.readRun();
        Plan plan = Plan.of(FlowLoader.parse(
                dir.flowText(), dir.path().resolve(RunDirectory.FLOW).toString()));
        if (!info.targets().isEmpty()) {
            plan = plan.closure(info.targets().stream().map(TaskId::of).toList());
        }
        plans.put(run, plan);
        return plan;
    }

    @Override
    public ClusterRunStatus status(RunId run) {
        RunRecord record = record(run);
        Plan plan = plan(run);
        RunDirectory dir = directory(run);
        List<TaskRecord> tasks = queries.tasks(run);
        RunStatus status = RunStatus.of(record, plan, tasks, dir::stderr);
        List<ClusterRunStatus.WaitingTask> waiting = new ArrayList<>();
        List<WorkerInfo> live = null;
        for (TaskRecord t : tasks) {
            if (t.state() != TaskState.READY) {
                continue;
            }
            if (live == null) {
                live = registry.liveWorkers(clock.instant());
            }
            TaskSpec spec = plan.task(plan.indexOf(t.id()));
            if (live.stream().noneMatch(w -> w.serves(spec.queue(), spec.labels()))) {
                String what = PoolStatus.describe(spec.queue().value(), spec.labels());
                waiting.add(new ClusterRunStatus.WaitingTask(
                        t.id().value(),
                        spec.queue().value(),
                        spec.labels(),
                        "waiting for a worker with " + what + " (no live worker serves it)"));
            }
        }
        return new ClusterRunStatus(status, waiting);
    }

    @Override
    public void cancel(RunId run, String reason) {
        RunRecord record = record(run);
        if (record.state().isFinal()) {
            throw new GyreException(
                    "run " + run + " already ended " + record.state().wireName() + "; there is nothing to cancel");
        }
        registry.requestCancel(run, reason);
    }

    @Override
    public void copyLog(RunId run, TaskId task, boolean stderr, Writer out) {
        record(run);
        RunDirectory dir = directory(run);
        if (!Files.isDirectory(dir.taskDir(task))) {
            throw new GyreException("task '" + task + "' of run " + run + " has not run yet (see 'gyre status " + run
                    + "' for its tasks)");
        }
        Path file = stderr ? dir.stderr(task) : dir.stdout(task);
        if (!Files.exists(file)) {
            return;
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.transferTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public List<PoolStatus> pools(PoolScaling scaling) {
        Map<QueueName, Map<String, String>> seen = new LinkedHashMap<>();
        Map<QueueName, QueueName> base = new LinkedHashMap<>();
        for (RunId run : registry.announcedRuns()) {
            Plan plan;
            try {
                plan = plan(run);
            } catch (GyreException e) {
                continue; // submitted a moment ago, or its directory is elsewhere: it shows once readable
            }
            for (int i = 0; i < plan.size(); i++) {
                TaskSpec t = plan.task(i);
                QueueName routed = QueueRouting.route(t.queue(), t.labels());
                seen.putIfAbsent(routed, t.labels());
                base.putIfAbsent(routed, t.queue());
            }
        }
        List<WorkerInfo> live = registry.liveWorkers(clock.instant());
        for (WorkerInfo w : live) {
            for (QueueName q : w.queues()) {
                seen.putIfAbsent(q, Map.of());
                base.putIfAbsent(q, q);
            }
        }
        List<PoolStatus> out = new ArrayList<>();
        seen.forEach((routed, labels) -> {
            QueueName queue = Objects.requireNonNull(base.get(routed));
            long depth = queries.queueDepth(routed);
            long running = 0;
            List<String> workers = new ArrayList<>();
            for (WorkerInfo w : live) {
                running += w.running().getOrDefault(routed, 0);
                if (w.serves(queue, labels)) {
                    workers.add(w.id().value());
                }
            }
            out.add(new PoolStatus(
                    queue.value(), labels, routed.value(), depth, running, workers, scaling.desired(depth, running)));
        });
        return out;
    }

    @Override
    public void close() {}
}
