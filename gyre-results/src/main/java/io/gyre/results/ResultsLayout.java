package io.gyre.results;

import io.gyre.api.TaskId;
import java.util.Locale;

/**
 * Where a run's results live in its object store (keys relative to the run's root, the run directory locally):
 * {@code results/snapshots/<name>/<task>/<seq>.parquet} for every snapshot a task published,
 * {@code results/merged/<name>.parquet} for each merged view, {@code results/results.json} (the merged values as
 * {@code gyre results --output json} prints them) and {@code results/summary.txt} (for people).
 */
final class ResultsLayout {
    private static final String RESULTS = "results/";

    private ResultsLayout() {}

    static String snapshots(String name) {
        return RESULTS + "snapshots/" + name + "/";
    }

    static String snapshots(String name, TaskId task) {
        return snapshots(name) + task.value() + "/";
    }

    static String snapshot(String name, TaskId task, long seq) {
        return snapshots(name, task) + String.format(Locale.ROOT, "%08d", seq) + ".parquet";
    }

    static String snapshotRoot() {
        return RESULTS + "snapshots/";
    }

    static String mergedRoot() {
        return RESULTS + "merged/";
    }

    static String merged(String name) {
        return mergedRoot() + name + ".parquet";
    }

    static String json() {
        return RESULTS + "results.json";
    }

    static String summary() {
        return RESULTS + "summary.txt";
    }

    /** The sequence number of a snapshot key, or -1 if the key is not one. */
    static long seqOf(String key) {
        int slash = key.lastIndexOf('/');
        String file = key.substring(slash + 1);
        if (!file.endsWith(".parquet")) {
            return -1;
        }
        try {
            return Long.parseLong(file.substring(0, file.length() - ".parquet".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
