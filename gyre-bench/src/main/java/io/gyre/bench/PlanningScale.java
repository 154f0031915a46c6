package io.gyre.bench;

import io.gyre.api.Action;
import io.gyre.api.Flow;
import io.gyre.api.GyreException;
import io.gyre.api.TaskId;
import io.gyre.api.TaskSpec;
import io.gyre.core.FlowLoader;
import io.gyre.core.Plan;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Planning at scale, meant to run in a fresh JVM (run-all.sh gives it {@code -Xmx1g}).
 *
 * <ul>
 *   <li>{@code plan}: builds a layered flow in Java (by default 1,000 layers of 1,000 tasks, each task of a layer
 *       needing one or two tasks of the previous layer, seed 42), then {@link Plan#of}. Reports wall time and heap
 *       for building the flow and for planning separately. Heap "peak" is the larger of a 2 ms sampler of
 *       {@link MemoryMXBean} heap used and the sum of the heap pools' peak usage (an upper bound: pools peak at
 *       different moments); "retained" is heap used after a full GC with the flow and plan still reachable.
 *   <li>{@code yaml}: writes a flow file of 10,000 tasks (100 layers of 100, same needs pattern) and times
 *       {@link FlowLoader#load} on it: the first (cold) load in this JVM, then the median of three more.
 * </ul>
 */
public final class PlanningScale {
    private static final long MIB = 1L << 20;

    private PlanningScale() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        String mode = args.length > 0 ? args[0] : "plan";
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int width = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        Results.note("planning: mode=" + mode + " java=" + Runtime.version() + " maxHeap="
                + Runtime.getRuntime().maxMemory() / MIB + "MiB");
        switch (mode) {
            case "plan" -> plan(layers, width);
            case "yaml" -> yaml(args.length > 1 ? layers : 100, args.length > 2 ? width : 100);
            default -> throw new GyreException("unknown mode '" + mode + "': use plan or yaml");
        }
    }

    private static void plan(int layers, int width) throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long base = memory.getHeapMemoryUsage().getUsed();

        HeapPeak flowPeak = HeapPeak.start(memory);
        long t0 = System.nanoTime();
        Flow flow = layered(layers, width, 42);
        long t1 = System.nanoTime();
        long flowPeakBytes = flowPeak.stop();
        System.gc();
        long flowRetained = memory.getHeapMemoryUsage().getUsed() - base;
        Results.note(String.format(
                "flow: %d tasks built in %.0f ms; heap peak %d MiB, retained %d MiB",
                flow.tasks().size(), (t1 - t0) / 1e6, flowPeakBytes / MIB, flowRetained / MIB));

        HeapPeak planPeak = HeapPeak.start(memory);
        long t2 = System.nanoTime();
        Plan plan = Plan.of(flow);
        long t3 = System.nanoTime();
        long planPeakBytes = planPeak.stop();
        System.gc();
        long allRetained = memory.getHeapMemoryUsage().getUsed() - base;
        Results.note(String.format(
                "plan: %d tasks, %d edges, %d levels in %.0f ms; heap peak (flow live) %d MiB, retained flow+plan %d"
                        + " MiB",
                plan.size(), plan.edges(), plan.levels(), (t3 - t2) / 1e6, planPeakBytes / MIB, allRetained / MIB));
        Reference.reachabilityFence(flow);
        Reference.reachabilityFence(plan);

        Results.result("planning.flow_build_s", (t1 - t0) / 1e9, "s");
        Results.result("planning.flow_retained_mib", (double) flowRetained / MIB, "MiB");
        Results.result("planning.plan_s", (t3 - t2) / 1e9, "s");
        Results.result("planning.plan_peak_heap_mib", (double) planPeakBytes / MIB, "MiB");
        Results.result("planning.plan_retained_mib", (double) (allRetained - flowRetained) / MIB, "MiB");
        Results.result("planning.total_retained_mib", (double) allRetained / MIB, "MiB");
    }

    private static void yaml(int layers, int width) throws IOException {
        Path file = Files.createTempFile("gyre-bench-", ".yaml");
        try {
            Files.writeString(file, layeredYaml(layers, width, 42), StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            Flow first = FlowLoader.load(file);
            double cold = (System.nanoTime() - t0) / 1e9;
            double[] warm = new double[3];
            for (int r = 0; r < warm.length; r++) {
                long s = System.nanoTime();
                FlowLoader.load(file);
                warm[r] = (System.nanoTime() - s) / 1e9;
            }
            Results.note(String.format(
                    "yaml: %d tasks, %d KiB; cold %.3f s, warm %.3f/%.3f/%.3f s",
                    first.tasks().size(), Files.size(file) / 1024, cold, warm[0], warm[1], warm[2]));
            Results.result("planning.yaml_load_cold_s", cold, "s");
            Results.result("planning.yaml_load_warm_s", Results.median(warm), "s");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Which tasks of the previous layer task {@code i} of a layer needs: one or two distinct indexes. */
    private static int[] picks(SplittableRandom random, int width) {
        int a = random.nextInt(width);
        if (width == 1 || random.nextBoolean()) {
            return new int[] {a};
        }
        int b = random.nextInt(width - 1);
        return new int[] {a, b >= a ? b + 1 : b};
    }

    static Flow layered(int layers, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Action noop = new Action.Command(List.of("true"));
        List<TaskSpec> tasks = new ArrayList<>(layers * width);
        TaskId[] previous = new TaskId[0];
        for (int l = 0; l < layers; l++) {
            TaskId[] current = new TaskId[width];
            for (int i = 0; i < width; i++) {
                current[i] = TaskId.of("t" + l + "_" + i);
                List<TaskId> needs = new ArrayList<>(2);
                if (l > 0) {
                    for (int p : picks(random, width)) {
                        needs.add(previous[p]);
                    }
                }
                tasks.add(TaskSpec.of(current[i], noop, needs));
            }
            previous = current;
        }
        return Flow.of("layered-" + layers + "x" + width, tasks);
    }

    static String layeredYaml(int layers, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder y = new StringBuilder(layers * width * 64);
        y.append("name: layered-").append(layers).append('x').append(width).append("\ntasks:\n");
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < width; i++) {
                y.append("  t").append(l).append('_').append(i).append(":\n");
                y.append("    command: [\"true\"]\n");
                if (l > 0) {
                    y.append("    needs: [");
                    int[] p = picks(random, width);
                    for (int k = 0; k < p.length; k++) {
                        y.append(k > 0 ? ", " : "")
                                .append('t')
                                .append(l - 1)
                                .append('_')
                                .append(p[k]);
                    }
                    y.append("]\n");
                }
            }
        }
        return y.toString();
    }

    /**
     * The heap's high-water mark over an interval: a sampler thread polling heap used every 2 ms, and the heap
     * pools' own peak usage (reset at the start).
     */
    private static final class HeapPeak {
        private final MemoryMXBean memory;
        private final AtomicLong max = new AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        private HeapPeak(MemoryMXBean memory) {
            this.memory = memory;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pool.resetPeakUsage();
                }
            }
            this.sampler = Thread.ofPlatform().daemon(true).name("heap-sampler").start(this::sample);
        }

        static HeapPeak start(MemoryMXBean memory) {
            return new HeapPeak(memory);
        }

        private void sample() {
            while (running) {
                max.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long stop() throws InterruptedException {
            max.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            running = false;
            sampler.join();
            long pools = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pools += pool.getPeakUsage().getUsed();
                }
            }
            Results.note(
                    String.format("heap peak: sampled %d MiB, sum of pool peaks %d MiB", max.get() / MIB, pools / MIB));
            return Math.max(max.get(), pools);
        }
    }
}
