package io.gyre.bench;

import io.gyre.api.Action;
import io.gyre.api.Flow;
import io.gyre.api.GyreException;
import io.gyre.api.JavaTask;
import io.gyre.api.OrchestratorId;
import io.gyre.api.QueueName;
import io.gyre.api.RunFence;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.TaskId;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskSpec;
import io.gyre.api.TaskState;
import io.gyre.api.WorkerId;
import io.gyre.core.Engine;
import io.gyre.core.Executors;
import io.gyre.core.Plan;
import io.gyre.core.RunOwnership;
import io.gyre.core.RunSpec;
import io.gyre.core.Worker;
import io.gyre.redis.RedisStore;
import io.gyre.redis.RedisStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.scheduling.BackgroundJob;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.InMemoryStorageProvider;

/**
 * The distributed benchmarks over one Redis: durable no-op throughput, need-to-start latency, a 400-step chain
 * and the adoption of a 100,000-task run by a surviving orchestrator; and JobRunr doing the same no-op jobs.
 *
 * <p>Gyre's figures are measured with one orchestrator ({@link Engine}) and its worker slots in one JVM over a
 * {@link RedisStore}: every state change still goes through Redis (one Lua script per operation), so the
 * store, not the process layout, is what is measured. The 1-orchestrator, 2-worker-process variant is the same
 * flow with {@code --parallel 0} here and worker processes started by {@code bench/run-all.sh} once {@code gyre
 * worker} exists.
 *
 * <p>{@code procs} is the process layout: this JVM is the orchestrator (an {@link Engine} that adopts the run
 * under a fence, as {@code gyre orchestrator} does, with no worker slots) and {@code --workers} other JVMs run
 * {@link Worker} (what {@code gyre worker} runs) with {@code --parallel} slots each, executing the same Java
 * no-op task in-process; a worker's attempt setup makes each attempt's directory under a shared runs directory,
 * as it does for any task. {@code chain-procs} is the 400-step chain in the same layout.
 *
 * <p>Usage: {@code DistributedBench URL (throughput N | chain N | procs N | chain-procs N | adoption N |
 * jobrunr N) [--runs R] [--warmup W] [--parallel P] [--workers W]}; {@code worker URL PREFIX RUNS_DIR SLOTS
 * NAME} is one worker process of {@code procs}. {@code --warmup} (default 1) is the number of unmeasured runs
 * {@code procs} and {@code chain-procs} make first: the three JVMs' JIT compilers need about 100,000 tasks to
 * settle, which on two cores they spend competing with the work measured.
 */
public final class DistributedBench {
    private static final String NOOP = "noop";
    private static final AtomicInteger JOBRUNR_DONE = new AtomicInteger();

    private DistributedBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("worker")) {
            workerProcess(args[1], args[2], Path.of(args[3]), Integer.parseInt(args[4]), args[5]);
            return;
        }
        String url = args[0];
        String what = args[1];
        int n = Integer.parseInt(args[2]);
        int runs = 3;
        int parallel = 2;
        int workers = 2;
        int warmups = 1;
        for (int i = 3; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmups = Integer.parseInt(args[++i]);
                case "--parallel" -> parallel = Integer.parseInt(args[++i]);
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                default -> throw new GyreException("unknown option " + args[i]);
            }
        }
        Results.note("distributed " + what + " n=" + n + " runs=" + runs + " parallel=" + parallel + " java="
                + Runtime.version());
        switch (what) {
            case "throughput" -> throughput(url, n, runs, parallel);
            case "chain" -> chain(url, n, runs, parallel);
            case "procs" -> procs(url, n, warmups, runs, parallel, workers, false);
            case "chain-procs" -> procs(url, n, warmups, runs, parallel, workers, true);
            case "adoption" -> adoption(url, n, runs);
            case "jobrunr" -> jobrunr(n, runs, parallel);
            default -> throw new GyreException("unknown benchmark " + what);
        }
        System.exit(0); // JobRunr and Jedis leave non-daemon threads behind
    }

    // ------------------------------------------------------------------ Gyre

    private static void throughput(String url, int n, int runs, int parallel) {
        Plan plan = Plan.of(EngineThroughput.independent(n));
        double[] rates = new double[runs];
        for (int r = -1; r < runs; r++) {
            double s = runOnce(url, "tp" + r, plan, parallel).seconds;
            Results.note(String.format(
                    "throughput %s: %d tasks in %.3f s = %.0f tasks/s",
                    r < 0 ? "warm-up" : "run " + (r + 1), n, s, n / s));
            if (r >= 0) {
                rates[r] = n / s;
            }
        }
        Results.result("distributed.gyre.tasks_per_s", Results.median(rates), "tasks/s");
    }

    private static void chain(String url, int n, int runs, int parallel) {
        Plan plan = Plan.of(EngineThroughput.chain(n));
        double[] walls = new double[runs];
        List<Double> gaps = new ArrayList<>();
        for (int r = -1; r < runs; r++) {
            Measured m = runOnce(url, "chain" + r, plan, parallel);
            Results.note(
                    String.format("chain %s: %d steps in %.3f s", r < 0 ? "warm-up" : "run " + (r + 1), n, m.seconds));
            if (r >= 0) {
                walls[r] = m.seconds;
                // From each step's need finishing (its worker's completion) to the step starting on a worker.
                for (int i = 1; i < n; i++) {
                    TaskRecord need = m.tasks.get(i - 1);
                    TaskRecord step = m.tasks.get(i);
                    gaps.add(Duration.between(need.endedAt(), step.startedAt()).toNanos() / 1e6);
                }
            }
        }
        double[] g = gaps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Results.result("distributed.gyre.chain_s", Results.median(walls), "s");
        Results.result("distributed.gyre.latency_p50_ms", percentile(g, 50), "ms");
        Results.result("distributed.gyre.latency_p99_ms", percentile(g, 99), "ms");
    }

    private record Measured(double seconds, List<TaskRecord> tasks) {}

    /** The process layout (see the class comment): throughput, or a chain with its need-to-start latency. */
    private static void procs(String url, int n, int warmups, int runs, int slots, int workers, boolean chain)
            throws Exception {
        String prefix = "bench-procs-" + Long.toHexString(System.nanoTime()) + ":";
        Path runsDir = Files.createTempDirectory("gyre-bench-runs");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> started = new ArrayList<>();
        for (int w = 1; w <= workers; w++) {
            started.add(new ProcessBuilder(
                            java,
                            "-Xmx512m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            DistributedBench.class.getName(),
                            "worker",
                            url,
                            prefix,
                            runsDir.toString(),
                            Integer.toString(slots),
                            "w" + w)
                    .inheritIO()
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start());
        }
        Plan plan = Plan.of(chain ? EngineThroughput.chain(n) : EngineThroughput.independent(n));
        double[] figures = new double[runs];
        List<Double> gaps = new ArrayList<>();
        OrchestratorId me = OrchestratorId.of("bench-orchestrator");
        try (RedisStore store = RedisStores.connect(url, prefix, InstantSource.system());
                Engine engine = Engine.builder().store(store).parallel(1).build()) {
            for (int r = -warmups; r < runs; r++) {
                // Timed from the run's creation, as a submission: writing its tasks to Redis is part of the work.
                long t0 = System.nanoTime();
                RunSpec spec = RunSpec.of(plan, InstantSource.system().instant());
                Path dir = Files.createDirectories(runsDir.resolve(spec.id().value()));
                Files.writeString(dir.resolve("run.json"), "{}");
                engine.create(spec);
                store.heartbeat(me, Duration.ofSeconds(60));
                RunFence fence = store.claimRun(spec.id(), me)
                        .orElseThrow(() -> new GyreException("the bench orchestrator could not claim its run"));
                RunRecord end = engine.adopt(spec, fence).await(Duration.ofMinutes(10));
                double s = (System.nanoTime() - t0) / 1e9;
                if (end.state() != RunState.SUCCEEDED) {
                    throw new GyreException(plan.flow().name() + " ended " + end.state());
                }
                Results.note(String.format(
                        "procs %s %s: %d tasks in %.3f s = %.0f tasks/s (%d worker processes x %d slots)",
                        chain ? "chain" : "throughput",
                        r < 0 ? "warm-up" : "run " + (r + 1),
                        n,
                        s,
                        n / s,
                        workers,
                        slots));
                if (r >= 0) {
                    figures[r] = chain ? s : n / s;
                    if (chain) {
                        List<TaskRecord> tasks = store.tasks(spec.id());
                        for (int i = 1; i < n; i++) {
                            gaps.add(Duration.between(
                                                    tasks.get(i - 1).endedAt(),
                                                    tasks.get(i).startedAt())
                                            .toNanos()
                                    / 1e6);
                        }
                    }
                }
            }
        } finally {
            for (Process p : started) {
                p.destroy();
            }
        }
        if (chain) {
            double[] g = gaps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            Results.result("distributed.procs.chain_s", Results.median(figures), "s");
            Results.result("distributed.procs.latency_p50_ms", percentile(g, 50), "ms");
            Results.result("distributed.procs.latency_p99_ms", percentile(g, 99), "ms");
        } else {
            Results.result("distributed.procs.tasks_per_s", Results.median(figures), "tasks/s");
        }
    }

    /** One worker process of {@code procs}: {@link Worker} with the Java no-op task, until it is killed. */
    private static void workerProcess(String url, String prefix, Path runsDir, int slots, String name)
            throws InterruptedException {
        JavaTask noop = (launch, cancel) -> TaskOutcome.success();
        RedisStore store = RedisStores.connect(url, prefix, InstantSource.system());
        Worker worker = Worker.start(
                store,
                RedisStores.registry(url, prefix, InstantSource.system()),
                Executors.inProcess(Map.of(NOOP, noop)),
                new Worker.Config(
                        WorkerId.of(name),
                        List.of(QueueName.of("default")),
                        Map.of(),
                        slots,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(5),
                        runsDir),
                InstantSource.system(),
                run -> {},
                line -> System.err.println(line));
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
        Thread.currentThread().join();
    }

    private static Measured runOnce(String url, String name, Plan plan, int parallel) {
        String prefix = "bench-" + name + "-" + Long.toHexString(System.nanoTime()) + ":";
        JavaTask noop = (launch, cancel) -> TaskOutcome.success();
        try (RedisStore store = RedisStores.connect(url, prefix, InstantSource.system());
                Engine engine = Engine.builder()
                        .store(store)
                        .executor(Executors.inProcess(Map.of(NOOP, noop)))
                        .parallel(parallel)
                        .build()) {
            RunSpec spec = RunSpec.of(plan, InstantSource.system().instant());
            long t0 = System.nanoTime();
            RunRecord end = engine.start(spec).await(Duration.ofMinutes(10));
            long t1 = System.nanoTime();
            if (end.state() != RunState.SUCCEEDED) {
                throw new GyreException(plan.flow().name() + " ended " + end.state());
            }
            return new Measured((t1 - t0) / 1e9, store.tasks(spec.id()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GyreException("interrupted", e);
        }
    }

    /**
     * A layered run of {@code n} tasks (1,000 per layer, each needing one or two tasks of the layer before) whose
     * first half succeeded, whose next layer is ready, and whose owner died: the time for a survivor's
     * {@link RunOwnership} pass to claim the run and rebuild its driver from Redis (the ready layer queued
     * again). Detecting the death takes the membership ttl on top; it is a setting, not measured here.
     */
    private static void adoption(String url, int n, int runs) {
        double[] seconds = new double[runs];
        for (int r = -1; r < runs; r++) {
            double s = adoptOnce(url, n, r);
            Results.note(String.format("adoption %s: %d tasks in %.3f s", r < 0 ? "warm-up" : "run " + (r + 1), n, s));
            if (r >= 0) {
                seconds[r] = s;
            }
        }
        Results.result("distributed.gyre.adoption_s", Results.median(seconds), "s");
    }

    private static double adoptOnce(String url, int n, int r) {
        int width = 1000;
        int layers = Math.max(1, n / width);
        SplittableRandom random = new SplittableRandom(42);
        List<TaskSpec> specs = new ArrayList<>(n);
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < width; i++) {
                List<TaskId> needs = new ArrayList<>();
                if (l > 0) {
                    needs.add(TaskId.of("l" + (l - 1) + "-" + random.nextInt(width)));
                    TaskId second = TaskId.of("l" + (l - 1) + "-" + random.nextInt(width));
                    if (!needs.contains(second)) {
                        needs.add(second);
                    }
                }
                specs.add(TaskSpec.of(TaskId.of("l" + l + "-" + i), new Action.Java(NOOP), needs));
            }
        }
        Plan plan = Plan.of(Flow.of("adopt-" + n, specs));
        String prefix = "bench-adopt" + r + "-" + Long.toHexString(System.nanoTime()) + ":";
        Instant now = InstantSource.system().instant();
        RunSpec spec = RunSpec.of(plan, now);
        RunId id = spec.id();
        int done = layers / 2;
        try (RedisStore store = RedisStores.connect(url, prefix, InstantSource.system());
                Engine survivor = Engine.builder().store(store).parallel(1).build()) {
            List<TaskRecord> tasks = new ArrayList<>(plan.size());
            for (int i = 0; i < plan.size(); i++) {
                int layer = i / width;
                TaskRecord pending = TaskRecord.pending(id, plan.task(i).id());
                tasks.add(
                        layer < done
                                ? new TaskRecord(
                                        id, pending.id(), TaskState.SUCCEEDED, 3, 1, 0, now, now, null, Map.of())
                                : layer == done
                                        ? new TaskRecord(
                                                id,
                                                pending.id(),
                                                TaskState.READY,
                                                1,
                                                0,
                                                null,
                                                null,
                                                null,
                                                null,
                                                Map.of())
                                        : pending);
            }
            store.createRun(new RunRecord(id, plan.flow().name(), RunState.RUNNING, 1, now, null, Map.of()), tasks);
            OrchestratorId dead = OrchestratorId.of("dead");
            OrchestratorId alive = OrchestratorId.of("survivor");
            store.heartbeat(dead, Duration.ofSeconds(30));
            if (store.claimRun(id, dead).isEmpty()) {
                throw new GyreException("the first owner could not claim run " + id);
            }
            store.leave(dead); // its ttl ran out: the same, without the wait
            RunOwnership ownership =
                    RunOwnership.manual(store, alive, Duration.ofSeconds(30), new RunOwnership.Driving() {
                        @Override
                        public void adopt(RunFence fence) {
                            survivor.adopt(spec, fence);
                        }

                        @Override
                        public void release(RunId run) {
                            survivor.release(run, "bench");
                        }
                    });
            long r0 = System.nanoTime();
            int read = store.tasks(id).size();
            Results.note(String.format(
                    "adoption: reading the %d task records alone takes %.3f s", read, (System.nanoTime() - r0) / 1e9));
            long t0 = System.nanoTime();
            ownership.tick();
            long t1 = System.nanoTime();
            if (!ownership.held().contains(id)) {
                throw new GyreException("the survivor did not adopt run " + id);
            }
            long queued = store.queueDepth(io.gyre.api.QueueName.of("default"));
            Results.note("adoption: " + queued + " items queued after the rebuild");
            survivor.release(id, "bench done");
            return (t1 - t0) / 1e9;
        }
    }

    // ------------------------------------------------------------------ JobRunr

    /** A JobRunr job: does nothing and counts itself. Public and static so JobRunr can call it by name. */
    public static void noopJob() {
        JOBRUNR_DONE.incrementAndGet();
    }

    private static void jobrunr(int n, int runs, int workers) throws InterruptedException {
        JobRunr.configure()
                .useStorageProvider(new InMemoryStorageProvider())
                .useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                        .andWorkerCount(workers)
                        .andPollInterval(Duration.ofSeconds(5)))
                .initialize();
        double[] rates = new double[runs];
        for (int r = -1; r < runs; r++) {
            int before = JOBRUNR_DONE.get();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                BackgroundJob.enqueue(() -> DistributedBench.noopJob());
            }
            long deadline = t0 + Duration.ofMinutes(10).toNanos();
            while (JOBRUNR_DONE.get() - before < n) {
                if (System.nanoTime() > deadline) {
                    throw new GyreException("JobRunr did not finish " + n + " jobs in 10 minutes");
                }
                Thread.sleep(5); // the benchmark's own wait for a peer, not engine code
            }
            double s = (System.nanoTime() - t0) / 1e9;
            Results.note(String.format("jobrunr %s: %d jobs in %.3f s", r < 0 ? "warm-up" : "run " + (r + 1), n, s));
            if (r >= 0) {
                rates[r] = n / s;
            }
        }
        Results.result("distributed.jobrunr.tasks_per_s", Results.median(rates), "tasks/s");
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
