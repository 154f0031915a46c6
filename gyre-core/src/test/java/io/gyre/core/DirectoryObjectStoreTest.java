package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gyre.api.ObjectStore;
import io.gyre.testkit.ObjectStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The directory store passes the object-store contract, keeps plain files and leaves no temporaries behind. */
class DirectoryObjectStoreTest extends ObjectStoreContract {
    @Override
    protected ObjectStore newStore() {
        return ObjectStores.directory(temp.resolve("store"));
    }

    @Test
    void keysArePlainFilesUnderTheRootAndNoTemporaryIsLeft() throws IOException {
        store.put("results/dose/task[0001]/000001.parquet", new byte[] {1, 2, 3});
        Path file = temp.resolve("store/results/dose/task[0001]/000001.parquet");
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
        try (Stream<Path> all = Files.walk(temp.resolve("store"))) {
            assertThat(all.filter(Files::isRegularFile)).containsExactly(file);
        }
    }

    @Test
    void aHiddenLeftoverOfACrashedPutIsNotAKey() throws IOException {
        store.put("a/b", new byte[] {1});
        Files.write(temp.resolve("store/a/.b.123.tmp"), new byte[] {9});
        assertThat(store.list("")).containsExactly("a/b");
    }
}
