package io.gyre.results;

import io.gyre.api.ObjectStore;
import io.gyre.api.TaskId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads what a run stored: its merged results, and the newest snapshot of each name a task published. */
public final class StoredResults {
    private StoredResults() {}

    /** The merged results of a run, by name. */
    public static List<MergedResult> merged(ObjectStore run) {
        List<MergedResult> out = new ArrayList<>();
        for (String key : run.list(ResultsLayout.mergedRoot())) {
            if (key.endsWith(".parquet")) {
                out.add(SnapshotParquet.readMerged(run.get(key), key));
            }
        }
        return out;
    }

    /** The newest snapshot of each result name {@code task} published, by name. */
    public static List<Snapshot> latest(ObjectStore run, TaskId task) {
        Map<String, String> newest = new TreeMap<>();
        for (String key : run.list(ResultsLayout.snapshotRoot())) {
            String[] parts =
                    key.substring(ResultsLayout.snapshotRoot().length()).split("/");
            if (parts.length == 3 && parts[1].equals(task.value())) {
                newest.merge(parts[0], key, (a, b) -> ResultsLayout.seqOf(a) >= ResultsLayout.seqOf(b) ? a : b);
            }
        }
        List<Snapshot> out = new ArrayList<>();
        newest.values().forEach(k -> out.add(SnapshotParquet.readSnapshot(run.get(k), k)));
        return out;
    }

    /** How many snapshots the run stored, over all tasks and names. */
    public static int snapshotCount(ObjectStore run) {
        return (int) run.list(ResultsLayout.snapshotRoot()).stream()
                .filter(k -> k.endsWith(".parquet"))
                .count();
    }
}
