package io.gyre.bench;

import io.gyre.api.Action;
import io.gyre.api.Flow;
import io.gyre.api.GyreException;
import io.gyre.api.JavaTask;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.TaskId;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskSpec;
import io.gyre.core.Engine;
import io.gyre.core.Executors;
import io.gyre.core.Plan;
import io.gyre.core.RunSpec;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * End-to-end throughput of the engine with in-process no-op Java tasks: a wide flow of independent tasks
 * (tasks/s) and a chain where each task needs the previous one (µs per step, i.e. the latency of one
 * complete-then-schedule-the-next cycle).
 *
 * <p>Each run gets a fresh {@link Engine} with a fresh in-memory store (so runs do not accumulate state); the
 * timer covers {@code start} to the end of {@code await}, not planning. The first run of each shape is a warm-up
 * in the same JVM and is not counted.
 *
 * <p>Usage: {@code EngineThroughput [wide|chain|all] [--wide N] [--chain N] [--runs R] [--parallel P]}
 */
public final class EngineThroughput {
    private static final String NOOP = "noop";

    private EngineThroughput() {}

    public static void main(String[] args) throws InterruptedException {
        String shape = "all";
        int wide = 100_000;
        int chain = 10_000;
        int runs = 3;
        int parallel = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--wide" -> wide = Integer.parseInt(args[++i]);
                case "--chain" -> chain = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--parallel" -> parallel = Integer.parseInt(args[++i]);
                default -> shape = args[i];
            }
        }
        Results.note("engine: parallel=" + parallel + " runs=" + runs + " (+1 warm-up) java=" + Runtime.version()
                + " maxHeap=" + Runtime.getRuntime().maxMemory() / (1 << 20) + "MiB");
        if (shape.equals("all") || shape.equals("wide")) {
            Plan plan = timedPlan(independent(wide));
            double[] seconds = measure(plan, parallel, runs);
            double[] rates = new double[runs];
            for (int r = 0; r < runs; r++) {
                rates[r] = wide / seconds[r];
            }
            Results.result("engine.wide.tasks_per_s", Results.median(rates), "tasks/s");
        }
        if (shape.equals("all") || shape.equals("chain")) {
            Plan plan = timedPlan(chain(chain));
            double[] seconds = measure(plan, parallel, runs);
            double[] micros = new double[runs];
            for (int r = 0; r < runs; r++) {
                micros[r] = seconds[r] * 1e6 / chain;
            }
            Results.result("engine.chain.us_per_step", Results.median(micros), "us/step");
        }
    }

    static Flow independent(int n) {
        Action noop = new Action.Java(NOOP);
        List<TaskSpec> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(TaskSpec.of(TaskId.of("t" + i), noop, List.of()));
        }
        return Flow.of("wide-" + n, tasks);
    }

    static Flow chain(int n) {
        Action noop = new Action.Java(NOOP);
        List<TaskSpec> tasks = new ArrayList<>(n);
        TaskId previous = TaskId.of("c0");
        tasks.add(TaskSpec.of(previous, noop, List.of()));
        for (int i = 1; i < n; i++) {
            TaskId id = TaskId.of("c" + i);
            tasks.add(TaskSpec.of(id, noop, List.of(previous)));
            previous = id;
        }
        return Flow.of("chain-" + n, tasks);
    }

    private static Plan timedPlan(Flow flow) {
        long t0 = System.nanoTime();
        Plan plan = Plan.of(flow);
        Results.note(String.format(
                "%s: planned %d tasks, %d levels in %.1f ms",
                flow.name(), plan.size(), plan.levels(), (System.nanoTime() - t0) / 1e6));
        return plan;
    }

    /** One warm-up run, then {@code runs} measured ones; returns their wall times in seconds. */
    private static double[] measure(Plan plan, int parallel, int runs) throws InterruptedException {
        double[] seconds = new double[runs];
        for (int r = -1; r < runs; r++) {
            long[] gc0 = Results.gcCountAndMillis();
            double s = runOnce(plan, parallel);
            long[] gc1 = Results.gcCountAndMillis();
            Results.note(String.format(
                    "%s %s: %.3f s, %.0f tasks/s, %.2f us/task, gc %d collections %d ms",
                    plan.flow().name(),
                    r < 0 ? "warm-up" : "run " + (r + 1),
                    s,
                    plan.size() / s,
                    s * 1e6 / plan.size(),
                    gc1[0] - gc0[0],
                    gc1[1] - gc0[1]));
            if (r >= 0) {
                seconds[r] = s;
            }
        }
        return seconds;
    }

    private static double runOnce(Plan plan, int parallel) throws InterruptedException {
        JavaTask noop = (launch, cancel) -> TaskOutcome.success();
        try (Engine engine = Engine.builder()
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
            return (t1 - t0) / 1e9;
        }
    }
}
