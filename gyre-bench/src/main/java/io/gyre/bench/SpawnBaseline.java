package io.gyre.bench;

import io.gyre.api.GyreException;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor under Gyre's local-process rate: how fast this JVM starts and reaps {@code true} with plain
 * {@link ProcessBuilder} (stdin from /dev/null, output discarded, no Gyre code), on {@code --parallel} threads.
 * A warm-up round, then the median of {@code --runs}.
 *
 * <p>Usage: {@code SpawnBaseline [--tasks N] [--parallel P] [--runs R]}
 */
public final class SpawnBaseline {
    private SpawnBaseline() {}

    public static void main(String[] args) throws InterruptedException {
        int tasks = 2000;
        int parallel = 2;
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tasks" -> tasks = Integer.parseInt(args[++i]);
                case "--parallel" -> parallel = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new GyreException("unknown argument '" + args[i] + "'");
            }
        }
        Results.note("spawn: " + tasks + " x true, " + parallel + " threads, launchMechanism="
                + System.getProperty("jdk.lang.Process.launchMechanism", "default"));
        double[] rates = new double[runs];
        for (int r = -1; r < runs; r++) {
            double s = round(tasks, parallel);
            Results.note(
                    String.format("%s: %.3f s, %.0f processes/s", r < 0 ? "warm-up" : "run " + (r + 1), s, tasks / s));
            if (r >= 0) {
                rates[r] = tasks / s;
            }
        }
        Results.result("spawn.java_processes_per_s", Results.median(rates), "processes/s");
    }

    private static double round(int tasks, int parallel) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(tasks);
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < parallel; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                ProcessBuilder builder = new ProcessBuilder("true")
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                while (left.getAndDecrement() > 0) {
                    try {
                        int exit = builder.start().waitFor();
                        if (exit != 0) {
                            throw new GyreException("true exited " + exit);
                        }
                    } catch (IOException e) {
                        throw new GyreException("cannot start true: " + e.getMessage(), e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
