package io.gyre.bench;

import io.gyre.api.MergeOp;
import io.gyre.api.TaskId;
import io.gyre.results.MergedResult;
import io.gyre.results.ResultMerger;
import io.gyre.results.Snapshot;
import io.gyre.results.SnapshotParquet;
import io.gyre.results.ValuesReader;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The merge benchmark: N snapshots of L doubles each, read from Parquet files on disk, decoded and merged into a
 * weighted mean with variance by {@link ResultMerger}, as a researcher's 1,000 replicas would be.
 *
 * <pre>
 * MergeThroughput generate DIR [--distinct 100] [--length 1000000]   Parquet + .npy files of the same values
 * MergeThroughput merge DIR [--snapshots 1000] [--threads 2] [--read fused|array]   Gyre: read, decode, merge
 * MergeThroughput boxed DIR [--snapshots 20]                          a naive List&lt;Double&gt; running mean
 * </pre>
 *
 * <p>Snapshot k is file {@code k % distinct} (a different task each time, so nothing is replaced): 100 distinct
 * files stand in for 1,000, which bounds the disk used (the page cache holds them after the first pass; the
 * figures are decode + merge, not disk). {@code --read fused} (the default) reads each file's values straight from
 * its pages a chunk at a time into the merge ({@link ValuesReader#open}), and {@code --threads 2} splits every
 * snapshot's elements into two stripes merged at once. {@code --read array} decodes each file into a reused array
 * first, and with {@code --threads 2} one thread reads and decodes the next files while the other merges (a queue
 * of two decoded snapshots): the way before the fused path. Prints {@code RESULT} lines.
 */
public final class MergeThroughput {
    private static final long MIB = 1024 * 1024;

    private MergeThroughput() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: MergeThroughput generate|merge|boxed DIR [options]");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "generate" -> generate(dir, intOpt(args, "--distinct", 100), intOpt(args, "--length", 1_000_000));
            case "merge" ->
                merge(
                        dir,
                        intOpt(args, "--snapshots", 1000),
                        intOpt(args, "--threads", 2),
                        !stringOpt(args, "--read", "fused").equals("array"));
            case "boxed" -> boxed(dir, intOpt(args, "--snapshots", 20));
            default -> {
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
            }
        }
    }

    static int intOpt(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }

    static String stringOpt(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    /** The values of file {@code f}: a noisy dose-like curve, as a Monte Carlo replica produces. */
    static double[] values(int f, int length) {
        SplittableRandom r = new SplittableRandom(1000L + f);
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            double x = (double) i / length;
            v[i] = 100 * Math.exp(-3 * x) * (1 + 0.05 * r.nextGaussian());
        }
        return v;
    }

    static double weight(int f) {
        return 1000 + 10 * f; // primaries per replica, all different so the weighting matters
    }

    private static void generate(Path dir, int distinct, int length) throws IOException {
        Files.createDirectories(dir);
        StringBuilder weights = new StringBuilder();
        for (int f = 0; f < distinct; f++) {
            double[] v = values(f, length);
            Snapshot s = Snapshot.of(TaskId.of("replica-" + f), "dose", 1, weight(f), v);
            Files.write(dir.resolve(String.format("s%03d.parquet", f)), SnapshotParquet.write(s));
            writeNpy(dir.resolve(String.format("s%03d.npy", f)), v);
            weights.append(weight(f)).append('\n');
        }
        Files.writeString(dir.resolve("weights.txt"), weights);
        Results.note(String.format(
                "generated %d Parquet and %d .npy files of %,d doubles in %s", distinct, distinct, length, dir));
    }

    /** NumPy's .npy format, version 1.0: magic, header length, a Python dict literal, then raw little-endian. */
    static void writeNpy(Path file, double[] v) throws IOException {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + v.length + ",), }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer head = ByteBuffer.allocate(10 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        head.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        head.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        byte[] body = new byte[v.length * 8];
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(v);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(head.array());
            out.write(body);
        }
    }

    private record Decoded(int k, double[] values) {}

    private static List<Path> parquetFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".parquet")).sorted().forEach(files::add);
        }
        return files;
    }

    private static void merge(Path dir, int snapshots, int threads, boolean fused) throws Exception {
        List<Path> files = parquetFiles(dir);
        int distinct = files.size();
        // Warm-up: one pass over a tenth of the snapshots, in a throwaway merger.
        runMerge(files, Math.max(distinct, snapshots / 10), threads, fused);
        System.gc();
        HeapPeak peak = HeapPeak.start();
        long t0 = System.nanoTime();
        MergeRun run = runMerge(files, snapshots, threads, fused);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peakBytes = peak.stop();
        double mb = (double) run.values * 8 / 1e6;
        Results.note(String.format(
                Locale.ROOT,
                "merged %d snapshots of %,d doubles (%d distinct files, %d thread(s), %s) in %.2f s: %.0f MB/s;"
                        + " read+decode %.2f s of thread time; view[0] = %.6f ± %.6f",
                snapshots,
                run.length,
                distinct,
                threads,
                fused ? "fused read, striped" : "array read, pipelined",
                seconds,
                mb / seconds,
                run.decodeNanos.get() / 1e9,
                run.view.values()[0],
                run.view.stderr()[0]));
        Results.result("merge.gyre.mb_per_s", mb / seconds, "MB/s");
        Results.result("merge.gyre.seconds", seconds, "s");
        Results.result("merge.gyre.peak_heap_mib", (double) peakBytes / MIB, "MiB");
        Results.result("merge.gyre.max_heap_mib", (double) Runtime.getRuntime().maxMemory() / MIB, "MiB");
        Results.result("merge.gyre.result_mib", (double) run.length * 8 / MIB, "MiB");
        Results.result("merge.gyre.check_mean0", run.view.values()[0], "");
        Results.result("merge.gyre.check_stderr0", run.view.stderr()[0], "");
    }

    private record MergeRun(MergedResult view, long values, int length, AtomicLong decodeNanos) {}

    private static MergeRun runMerge(List<Path> files, int snapshots, int threads, boolean fused) throws Exception {
        if (fused) {
            return runFused(files, snapshots, threads);
        }
        int distinct = files.size();
        AtomicLong decodeNanos = new AtomicLong();
        // Every snapshot is a different task; nothing is replaced, so the merger never reads back.
        ResultMerger merger = new ResultMerger("dose", MergeOp.WEIGHTED_MEAN, ref -> {
            throw new IllegalStateException("no snapshot is replaced in this benchmark");
        });
        long values = 0;
        int length = 0;
        ValuesReader reader = new ValuesReader();
        if (threads <= 1) {
            double[] buffer = new double[0];
            for (int k = 0; k < snapshots; k++) {
                buffer = decode(reader, files.get(k % distinct), buffer, decodeNanos);
                merger.accept(Snapshot.of(TaskId.of("t" + k), "dose", 1, weight(k % distinct), buffer));
                values += buffer.length;
                length = buffer.length;
            }
        } else {
            // The decoding thread fills one of three arrays while the merging thread folds in another.
            BlockingQueue<double[]> free = new ArrayBlockingQueue<>(3);
            for (int i = 0; i < 3; i++) {
                free.add(new double[0]);
            }
            BlockingQueue<Decoded> full = new ArrayBlockingQueue<>(3);
            Thread decoder = Thread.ofPlatform().name("decode").start(() -> {
                try {
                    for (int k = 0; k < snapshots; k++) {
                        double[] into = free.take();
                        full.put(new Decoded(k, decode(reader, files.get(k % distinct), into, decodeNanos)));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int k = 0; k < snapshots; k++) {
                Decoded d = full.take();
                merger.accept(Snapshot.of(TaskId.of("t" + d.k), "dose", 1, weight(d.k % distinct), d.values));
                values += d.values.length;
                length = d.values.length;
                free.put(d.values);
            }
            decoder.join();
        }
        return new MergeRun(merger.view(), values, length, decodeNanos);
    }

    /**
     * Each file's values read straight from its pages into the merge, {@code threads} element stripes at once
     * (the main thread and {@code threads − 1} helpers). Decode time is not separable here: it is reported as 0.
     */
    private static MergeRun runFused(List<Path> files, int snapshots, int threads) {
        int distinct = files.size();
        ExecutorService helpers = Executors.newFixedThreadPool(
                Math.max(1, threads - 1), Thread.ofPlatform().name("stripe-", 1).factory());
        try {
            ResultMerger merger = new ResultMerger(
                    "dose",
                    MergeOp.WEIGHTED_MEAN,
                    ref -> {
                        throw new IllegalStateException("no snapshot is replaced in this benchmark");
                    },
                    helpers,
                    threads);
            ValuesReader reader = new ValuesReader();
            long values = 0;
            int length = 0;
            for (int k = 0; k < snapshots; k++) {
                try (ValuesReader.OpenValues v = reader.open(files.get(k % distinct))) {
                    int[] shape = {v.length()};
                    merger.accept(
                            new Snapshot.SnapshotRef(TaskId.of("t" + k), "dose", 1, weight(k % distinct), shape), v);
                    values += v.length();
                    length = v.length();
                }
            }
            return new MergeRun(merger.view(), values, length, new AtomicLong());
        } finally {
            helpers.shutdown();
        }
    }

    private static double[] decode(ValuesReader reader, Path file, double[] into, AtomicLong nanos) {
        long t = System.nanoTime();
        double[] v = reader.read(file, into);
        nanos.addAndGet(System.nanoTime() - t);
        return v;
    }

    /** The naive way: boxed values in lists, a running weighted mean and mean of squares, no shift. */
    private static void boxed(Path dir, int snapshots) throws Exception {
        List<Path> files = parquetFiles(dir);
        HeapPeak peak = HeapPeak.start();
        long t0 = System.nanoTime();
        List<Double> sum = new ArrayList<>();
        List<Double> sumSq = new ArrayList<>();
        double total = 0;
        long values = 0;
        for (int k = 0; k < snapshots; k++) {
            Path file = files.get(k % files.size());
            double[] raw = SnapshotParquet.readValues(Files.readAllBytes(file), file.toString());
            List<Double> v = new ArrayList<>(raw.length);
            for (double x : raw) {
                v.add(x);
            }
            double w = weight(k % files.size());
            for (int i = 0; i < v.size(); i++) {
                Double x = v.get(i);
                if (sum.size() <= i) {
                    sum.add(0.0);
                    sumSq.add(0.0);
                }
                sum.set(i, sum.get(i) + w * x);
                sumSq.set(i, sumSq.get(i) + w * x * x);
            }
            total += w;
            values += v.size();
        }
        List<Double> mean = new ArrayList<>();
        for (int i = 0; i < sum.size(); i++) {
            mean.add(sum.get(i) / total);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peakBytes = peak.stop();
        double mb = (double) values * 8 / 1e6;
        Results.note(String.format(
                Locale.ROOT,
                "boxed: %d snapshots in %.2f s, %.0f MB/s, mean[0] = %.6f",
                snapshots,
                seconds,
                mb / seconds,
                mean.get(0)));
        Results.result("merge.boxed.mb_per_s", mb / seconds, "MB/s");
        Results.result("merge.boxed.peak_heap_mib", (double) peakBytes / MIB, "MiB");
    }

    /** Heap high-water mark: a 2 ms sampler of heap used, and the heap pools' own peaks (reset at the start). */
    static final class HeapPeak {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final AtomicLong max = new AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        private HeapPeak() {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pool.resetPeakUsage();
                }
            }
            sampler = Thread.ofPlatform().daemon(true).name("heap-sampler").start(this::sample);
        }

        static HeapPeak start() {
            return new HeapPeak();
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
