package io.gyre.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.MergeOp;
import io.gyre.api.ObjectStore;
import io.gyre.api.TaskId;
import io.gyre.core.ObjectStores;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots through the directory object store, and a merger that takes old contributions back from there. */
class SnapshotStoreTest {
    @TempDir
    Path dir;

    @Test
    void aMergerReadsReplacedSnapshotsBackFromTheStore() {
        try (ObjectStore objects = ObjectStores.directory(dir)) {
            SnapshotStore snapshots = new SnapshotStore(objects, "results");
            ResultMerger merger = new ResultMerger("dose", MergeOp.WEIGHTED_MEAN, snapshots::values);
            for (Snapshot s : new Snapshot[] {
                Snapshot.of(TaskId.of("a"), "dose", 1, 100, 1, 10),
                Snapshot.of(TaskId.of("b"), "dose", 1, 300, 5, 20),
                Snapshot.of(TaskId.of("a"), "dose", 2, 100, 3, 30), // replaces a#1, read back from the store
            }) {
                SnapshotStore.Stored stored = snapshots.put(s);
                assertThat(objects.size(stored.key())).isEqualTo(stored.bytes());
                merger.accept(s);
            }
            MergedResult view = merger.view();
            assertThat(view.values()).containsExactly(4.5, 22.5);
            assertThat(view.contributors()).isEqualTo(2);
            snapshots.putMerged(view);
            assertThat(snapshots.merged("dose").orElseThrow().values()).containsExactly(4.5, 22.5);
            assertThat(snapshots.merged("pi")).isEmpty();
            assertThat(objects.list("results/"))
                    .containsExactly(
                            "results/merged/dose.parquet",
                            "results/snapshots/dose/a/000000000001.parquet",
                            "results/snapshots/dose/a/000000000002.parquet",
                            "results/snapshots/dose/b/000000000001.parquet");
            assertThat(snapshots.names()).containsExactly("dose");
            assertThat(snapshots.get(TaskId.of("b"), "dose", 1).weight()).isEqualTo(300);
        }
    }
}
