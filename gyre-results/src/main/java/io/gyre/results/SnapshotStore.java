package io.gyre.results;

import io.gyre.api.ObjectStore;
import io.gyre.api.TaskId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Snapshots and merged results as Parquet objects in an {@link ObjectStore}, under a prefix such as
 * {@code results}:
 *
 * <pre>
 * PREFIX/snapshots/NAME/TASK/SEQ.parquet   one per published snapshot, SEQ zero-padded to 12 digits
 * PREFIX/merged/NAME.parquet               the latest merged view
 * PREFIX/results.json                      every merged view as JSON ({@link ResultsJson})
 * PREFIX/summary.txt                       every merged view for people ({@link ResultsText})
 * </pre>
 *
 * <p>{@link #values} reads a snapshot's values back by reference, which is what a {@link ResultMerger} needs to
 * take an older contribution out: {@code new ResultMerger(name, op, snapshots::values)}.
 */
public final class SnapshotStore {
    private final ObjectStore store;
    private final String prefix;

    /** @param prefix a key prefix without a trailing '/', for example {@code results} */
    public SnapshotStore(ObjectStore store, String prefix) {
        this.store = store;
        this.prefix = ObjectStore.checkKey(prefix);
    }

    /** Where a snapshot lives. */
    public String key(TaskId task, String name, long seq) {
        return ObjectStore.checkKey(
                prefix + "/snapshots/" + name + "/" + task.value() + "/" + String.format("%012d", seq) + ".parquet");
    }

    /** Where a result's merged view lives. */
    public String mergedKey(String name) {
        return ObjectStore.checkKey(prefix + "/merged/" + name + ".parquet");
    }

    /** Stores a snapshot (uncompressed, PLAIN) and returns its key and size. */
    public Stored put(Snapshot s) {
        byte[] bytes = SnapshotParquet.write(s);
        String key = key(s.task(), s.name(), s.seq());
        store.put(key, bytes);
        return new Stored(key, bytes.length);
    }

    /** What {@link #put} wrote. */
    public record Stored(String key, long bytes) {}

    /** A stored snapshot, whole. */
    public Snapshot get(TaskId task, String name, long seq) {
        String key = key(task, name, seq);
        return SnapshotParquet.readSnapshot(store.get(key), key);
    }

    /** A stored snapshot by its key (as a {@code partial_result} event names it). */
    public Snapshot read(String key) {
        return SnapshotParquet.readSnapshot(store.get(ObjectStore.checkKey(key)), key);
    }

    /** The values of a stored snapshot: the merger's way back to an older contribution. */
    public double[] values(Snapshot.SnapshotRef ref) {
        String key = key(ref.task(), ref.name(), ref.seq());
        return SnapshotParquet.readValues(store.get(key), key);
    }

    /** Stores a merged view, replacing the previous one. */
    public Stored putMerged(MergedResult r) {
        byte[] bytes = SnapshotParquet.write(r);
        String key = mergedKey(r.name());
        store.put(key, bytes);
        return new Stored(key, bytes.length);
    }

    /** The latest merged view of a result, if one was stored. */
    public Optional<MergedResult> merged(String name) {
        String key = mergedKey(name);
        if (!store.exists(key)) {
            return Optional.empty();
        }
        return Optional.of(SnapshotParquet.readMerged(store.get(key), key));
    }

    /** The highest sequence number stored for a task's result, or 0 when it has none. */
    public long lastSeq(TaskId task, String name) {
        long max = 0;
        for (String key : store.list(prefix + "/snapshots/" + name + "/" + task.value() + "/")) {
            max = Math.max(max, seqOf(key));
        }
        return max;
    }

    /** The newest snapshot of each result a task published, by name. */
    public List<Snapshot> latest(TaskId task) {
        List<Snapshot> out = new ArrayList<>();
        newest().forEach((nameAndTask, key) -> {
            if (nameAndTask.getValue().equals(task)) {
                out.add(SnapshotParquet.readSnapshot(store.get(key), key));
            }
        });
        return out;
    }

    /** The key of the newest snapshot of every (name, task) pair, ordered by name then task. */
    public java.util.SortedMap<java.util.Map.Entry<String, TaskId>, String> newest() {
        String base = prefix + "/snapshots/";
        java.util.SortedMap<java.util.Map.Entry<String, TaskId>, String> out =
                new java.util.TreeMap<>(java.util.Map.Entry.<String, TaskId>comparingByKey()
                        .thenComparing(e -> e.getValue().value()));
        for (String key : store.list(base)) {
            String[] parts = key.substring(base.length()).split("/");
            if (parts.length == 3 && seqOf(key) > 0) {
                out.merge(
                        java.util.Map.entry(parts[0], TaskId.of(parts[1])),
                        key,
                        (a, b) -> seqOf(a) >= seqOf(b) ? a : b);
            }
        }
        return out;
    }

    /** Every stored merged view, by name. */
    public List<MergedResult> mergedAll() {
        List<MergedResult> out = new ArrayList<>();
        for (String key : store.list(prefix + "/merged/")) {
            if (key.endsWith(".parquet")) {
                out.add(SnapshotParquet.readMerged(store.get(key), key));
            }
        }
        return out;
    }

    /** Stores the JSON and text renderings of the merged views beside them. */
    public void putRenderings(List<MergedResult> views, List<String> problems) {
        store.put(prefix + "/results.json", ResultsJson.write(views));
        store.put(
                prefix + "/summary.txt",
                ResultsText.summary(views, problems).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The sequence number in a snapshot key, or -1 if it is not one. */
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

    /** The names of the results that have snapshots, sorted. */
    public List<String> names() {
        String base = prefix + "/snapshots/";
        List<String> names = new ArrayList<>();
        for (String key : store.list(base)) {
            String name = key.substring(base.length(), key.indexOf('/', base.length()));
            if (names.isEmpty() || !names.get(names.size() - 1).equals(name)) {
                names.add(name);
            }
        }
        return names;
    }
}
