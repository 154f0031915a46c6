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
