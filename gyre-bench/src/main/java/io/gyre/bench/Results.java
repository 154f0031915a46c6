package io.gyre.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * The harnesses' output: one {@code RESULT <key> <value> <unit>} line per figure, read by {@code bench/run-all.sh};
 * everything else a harness prints is commentary for people.
 */
final class Results {
    private Results() {}

    static void result(String key, double value, String unit) {
        System.out.println(String.format(Locale.ROOT, "RESULT %s %.6g %s", key, value, unit));
        System.out.flush();
    }

    static void note(String text) {
        System.out.println("# " + text);
        System.out.flush();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Total collections and collection time so far, over every collector of this JVM. */
    static long[] gcCountAndMillis() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }
}
