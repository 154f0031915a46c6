package io.gyre.core;

import io.gyre.api.EventListener;
import io.gyre.api.Executor;
import io.gyre.api.Flow;
import io.gyre.api.GyreException;
import io.gyre.api.ParamValue;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A flow file run in this process into a run directory: what {@code gyre run} does. Preparation validates
 * everything (flow, parameters, overrides, targets) without side effects; only then is a directory created.
 */
public final class LocalRun implements AutoCloseable {
    private final RunDirectory directory;
    private final Engine engine;
    private final RunJournal journal;
    private final RunHandle handle;
    private final Stores.InMemoryStore store;
    private final RunDirectory.Lock lock;

    private LocalRun(
            RunDirectory directory,
            Engine engine,
            RunJournal journal,
            RunHandle handle,
            Stores.InMemoryStore store,
            RunDirectory.Lock lock) {
        this.lock = lock;
        this.directory = directory;
        this.engine = engine;
        this.journal = journal;
        this.handle = handle;
        this.store = store;
    }

    /** What the user asked for on the command line, as given. */
    public record Options(Map<String, String> params, Map<String, String> sets, List<TaskId> targets, int parallel) {
        public Options {
            params = Map.copyOf(params);
            sets = Map.copyOf(sets);
            targets = List.copyOf(targets);
        }
    }

    /** A validated run, not yet started. */
    public record Prepared(
            RunId id,
            Instant createdAt,
            String source,
            String flowText,
            Plan plan,
            Map<String, ParamValue> params,
            Map<String, String> context,
            Map<String, String> overrides,
            List<TaskId> targets,
            MacroScope scope,
            List<Problem> warnings) {
        public Prepared {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Loads, validates and binds everything; throws {@link InvalidFlowException} or
     * {@link InvalidInputException} (with every problem) and creates nothing when something is wrong.
     */
    public static Prepared prepare(
            Path flowFile,
            Options options,
            Map<String, String> environment,
            InstantSource clock,
            RandomGenerator random) {
        FlowLoader.Loaded loaded = FlowLoader.loadWithWarnings(flowFile);
        Flow flow = loaded.flow();
        String text;
        try {
            text = Files.readString(flowFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GyreException("cannot read " + flowFile + ": " + e.getMessage(), e);
        }
        Map<String, ParamValue> params = Params.bind(flow, options.params());
        Plan plan = Plan.of(flow);
        if (!options.targets().isEmpty()) {
            plan = plan.closure(options.targets());
        }
        Instant now = clock.instant();
        RunId id = RunId.generate(now, random);
        MacroScope base =
                new MacroScope(id, now, random, params, Macros.runContext(params, Map.of(), Map.of()), environment);
        Map<String, String> flowContext = Macros.expandContext(flow.context(), base);
        Map<String, String> context = Macros.runContext(params, flowContext, options.sets());
        return new Prepared(
                id,
                now,
                flowFile.toString(),
                text,
                plan,
                params,
                context,
                options.sets(),
                options.targets(),
                base.withContext(context),
                loaded.warnings());
    }

    /** Creates the run directory and starts the run. */
    public static LocalRun start(
            Prepared p,
            Path runsDir,
            int parallel,
            Executor executor,
            InstantSource clock,
            List<EventListener> listeners) {
        return start(p, runsDir, parallel, store -> executor, clock, listeners);
    }

    /**
     * Creates the run directory and starts the run with an executor made for the run's store (one that records
     * events of its own, such as published results).
     */
    public static LocalRun start(
            Prepared p,
            Path runsDir,
            int parallel,
            Function<StateStore, Executor> executor,
            InstantSource clock,
            List<EventListener> listeners) {
        RunDirectory dir = RunDirectory.create(runsDir, p.id(), p.flowText());
        RunInfo info = info(p);
        RunSpec spec = new RunSpec(
                p.id(),
                p.plan(),
                p.createdAt(),
                p.context(),
                TaskResolvers.macros(p.scope(), p.overrides()),
                dir.attemptSetup(),
                dir.fanOutFiles());
        Stores.InMemoryStore store = Stores.inMemory(clock);
        Engine engine = engine(store, executor, clock, parallel);
        engine.create(spec);
        return drive(dir, store, engine, spec, info, 0, listeners);
    }

    private static Engine engine(
            Stores.InMemoryStore store, Function<StateStore, Executor> executor, InstantSource clock, int parallel) {
        return Engine.builder()
                .store(store)
                .executor(executor.apply(store))
                .clock(clock)
                .parallel(parallel)
                .build();
    }

    /** Subscribes the journal and the listeners to a run already in the store, then drives it. */
    private static LocalRun drive(
            RunDirectory dir,
            Stores.InMemoryStore store,
            Engine engine,
            RunSpec spec,
            RunInfo info,
            long seqOffset,
            List<EventListener> listeners) {
        RunDirectory.Lock lock = dir.lock();
        RunJournal journal = new RunJournal(dir, store, info, seqOffset);
        store.subscribe(spec.id(), journal);
        listeners.forEach(l -> store.subscribe(spec.id(), l));
        return new LocalRun(dir, engine, journal, engine.resume(spec), store, lock);
    }

    /**
     * Continues a failed or cancelled run in its directory: succeeded tasks are kept, the rest run again with the
     * run's recorded parameters and context.
     */
    public static LocalRun resume(
            Path runDir,
            int parallel,
            Executor executor,
            Map<String, String> environment,
            InstantSource clock,
            RandomGenerator random,
            List<EventListener> listeners) {
        return resume(runDir, parallel, store -> executor, environment, clock, random, listeners);
    }

    /** {@link #resume(Path, int, Executor, Map, InstantSource, RandomGenerator, List)} with a per-store executor. */
    public static LocalRun resume(
            Path runDir,
            int parallel,
            Function<StateStore, Executor> executor,
            Map<String, String> environment,
            InstantSource clock,
            RandomGenerator random,
            List<EventListener> listeners) {
        RunDirectory dir = RunDirectory.open(runDir);
        dir.lock().close(); // fail early, before reading anything, when another process drives this run
        RunInfo info = dir.readRun();
        if (info.state().equals(RunState.SUCCEEDED.wireName())) {
            throw new GyreException("run " + info.id() + " already succeeded; there is nothing to resume");
        }
        RunSpec spec = specOf(dir, info, environment, random);
        Plan plan = spec.plan();
        RunId id = info.runId();
        Instant created = spec.createdAt();
        Map<String, TaskStatus> statuses = new HashMap<>();
        dir.readStatuses().forEach(s -> statuses.put(s.id(), s));
        List<TaskRecord> tasks = new ArrayList<>(plan.size());
        for (int i = 0; i < plan.size(); i++) {
            TaskId t = plan.task(i).id();
            TaskStatus s = statuses.get(t.value());
            tasks.add(s == null ? TaskRecord.pending(id, t) : resumable(s.toRecord(id)));
            if (plan.task(i).fanOut() != null) {
                // the instances of a dynamic sweep expanded before: the driver adds them again and keeps these
                String prefix = t.value() + "[";
                statuses.values().stream()
                        .filter(x -> x.id().startsWith(prefix) && x.id().endsWith("]"))
                        .sorted(java.util.Comparator.comparing(TaskStatus::id))
                        .forEach(x -> tasks.add(resumable(x.toRecord(id))));
            }
        }
        RunState was = info.state().equals(RunState.CANCELLED.wireName()) ? RunState.CANCELLED : RunState.FAILED;
        Stores.InMemoryStore store = Stores.inMemory(clock);
        store.createRun(new RunRecord(id, plan.flow().name(), was, 0, created, null, info.context()), tasks);
        return drive(dir, store, engine(store, executor, clock, parallel), spec, info, dir.lastEventSeq(), listeners);
    }

    /**
     * Rebuilds what drives a run from its directory: the flow as submitted, its targets, its bound parameters,
     * its resolved context and {@code --set} overrides (from {@code run.json}), so macros resolve as they would
     * have in the submitting process.
     */
    static RunSpec specOf(RunDirectory dir, RunInfo info, Map<String, String> environment, RandomGenerator random) {
        Flow flow = FlowLoader.parse(
                dir.flowText(), dir.path().resolve(RunDirectory.FLOW).toString());
        Plan plan = Plan.of(flow);
        List<TaskId> targets = info.targets().stream().map(TaskId::of).toList();
        if (!targets.isEmpty()) {
            plan = plan.closure(targets);
        }
        Map<String, ParamValue> params = Params.bind(flow, info.params());
        RunId id = info.runId();
        Instant created = Instant.parse(info.createdAt());
        MacroScope scope = new MacroScope(id, created, random, params, info.context(), environment);
        return new RunSpec(
                id,
                plan,
                created,
                info.context(),
                TaskResolvers.macros(scope, info.overrides()),
                dir.attemptSetup(),
                dir.fanOutFiles());
    }

    /** What {@code run.json} says about a prepared run before it starts. */
    static RunInfo info(Prepared p) {
        Map<String, String> renderedParams = new HashMap<>();
        p.params().forEach((k, v) -> renderedParams.put(k, v.render()));
        return new RunInfo(
                p.id().value(),
                p.plan().flow().name(),
                p.source(),
                RunState.PENDING.wireName(),
                p.createdAt().toString(),
                null,
                renderedParams,
                p.context(),
                p.overrides(),
                p.targets().stream().map(TaskId::value).toList(),
                p.plan().size());
    }

    /** A task that never finished (the process died) starts over; a finished one keeps its state until resumed. */
    private static TaskRecord resumable(TaskRecord r) {
        return r.state().isFinal()
                ? r
                : new TaskRecord(r.run(), r.id(), TaskState.PENDING, 0, r.attempts(), null, null, null, null, Map.of());
    }

    public RunHandle handle() {
        return handle;
    }

    public RunDirectory directory() {
        return directory;
    }

    /** Waits for the end of the run and for its directory to be fully written. */
    public RunRecord await() throws InterruptedException {
        RunRecord last = handle.await();
        journal.close();
        return last;
    }

    /** Current records of every task (for progress displays). */
    public List<TaskRecord> tasks() {
        return store.tasks(handle.id());
    }

    @Override
    public void close() {
        try {
            engine.close();
            journal.close();
        } finally {
            lock.close();
        }
    }
}
