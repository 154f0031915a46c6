package io.gyre.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gyre.api.InvalidObjectKeyException;
import io.gyre.api.NotFoundException;
import io.gyre.api.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link ObjectStore} that every implementation runs: the local directory store, S3, and any
 * other. Subclass it and provide a fresh, empty store per test.
 */
public abstract class ObjectStoreContract {
    /** A fresh, empty store. */
    protected abstract ObjectStore newStore();

    protected ObjectStore store;

    @TempDir
    protected Path temp;

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void whatIsPutIsGotBackAsACopy() {
        byte[] bytes = utf8("dose 1 2 3");
        store.put("results/dose/task[0001]/000001.parquet", bytes);
        bytes[0] = 'X';
        byte[] got = store.get("results/dose/task[0001]/000001.parquet");
        assertThat(got).isEqualTo(utf8("dose 1 2 3"));
        got[0] = 'Y';
        assertThat(store.get("results/dose/task[0001]/000001.parquet")).isEqualTo(utf8("dose 1 2 3"));
    }

    @Test
    void theLastPutWins() {
        store.put("a/b", utf8("one"));
        store.put("a/b", utf8("two, longer"));
        store.put("a/b", utf8("3"));
        assertThat(store.get("a/b")).isEqualTo(utf8("3"));
        assertThat(store.size("a/b")).isEqualTo(1);
    }

    @Test
    void anEmptyObjectExists() {
        store.put("empty", new byte[0]);
        assertThat(store.exists("empty")).isTrue();
        assertThat(store.size("empty")).isZero();
        assertThat(store.get("empty")).isEmpty();
    }

    @Test
    void aFileIsCopiedInAndLeftInPlace() throws IOException {
        Path source = temp.resolve("snapshot.bin");
        Files.write(source, utf8("from a file"));
        store.put("from/file", source);
        assertThat(store.get("from/file")).isEqualTo(utf8("from a file"));
        assertThat(source).exists();
    }

    @Test
    void openStreamsTheObject() throws IOException {
        byte[] big = new byte[3 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        store.put("big", big);
        try (InputStream in = store.open("big")) {
            assertThat(in.readAllBytes()).isEqualTo(big);
        }
        assertThat(store.size("big")).isEqualTo(big.length);
    }

    @Test
    void aMissingKeyIsNotFound() {
        assertThat(store.exists("nope/x")).isFalse();
        assertThatThrownBy(() -> store.get("nope/x"))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("object 'nope/x' does not exist");
        assertThatThrownBy(() -> store.open("nope/x")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.size("nope/x")).isInstanceOf(NotFoundException.class);
        assertThat(store.delete("nope/x")).isFalse();
    }

    @Test
    void deleteRemovesTheObjectAndItsListing() {
        store.put("a/1", utf8("x"));
        store.put("a/2", utf8("y"));
        assertThat(store.delete("a/1")).isTrue();
        assertThat(store.exists("a/1")).isFalse();
        assertThat(store.list("a/")).containsExactly("a/2");
    }

    @Test
    void listIsAPlainStringPrefixInAscendingOrder() {
        for (String k : List.of("r/dose/t2/2", "r/dose/t1/10", "r/dose/t1/2", "r/dosex/1", "r/pi/t1/1", "s/1")) {
            store.put(k, utf8(k));
        }
        assertThat(store.list("r/dose/")).containsExactly("r/dose/t1/10", "r/dose/t1/2", "r/dose/t2/2");
        assertThat(store.list("r/dose")).containsExactly("r/dose/t1/10", "r/dose/t1/2", "r/dose/t2/2", "r/dosex/1");
        assertThat(store.list("r/dose/t1/1")).containsExactly("r/dose/t1/10");
        assertThat(store.list("")).hasSize(6).isSorted();
        assertThat(store.list("nothing/")).isEmpty();
    }

    @Test
    void badKeysAreRefusedWithTheReason() {
        List<String[]> cases = List.of(
                new String[] {"", "object key '' is not valid: it is empty"},
                new String[] {
                    "/etc/passwd",
                    "object key '/etc/passwd' is not valid: it starts with '/'; keys are"
                            + " relative, like results/dose/000001.parquet"
                },
                new String[] {
                    "a/../../b",
                    "object key 'a/../../b' is not valid: segment '..' starts with '.';"
                            + " '.', '..' and hidden names are not allowed"
                },
                new String[] {
                    "a//b", "object key 'a//b' is not valid: it has an empty segment ('//' or a trailing" + " '/')"
                },
                new String[] {"a/", "object key 'a/' is not valid: it has an empty segment ('//' or a trailing '/')"},
                new String[] {
                    "a\\b", "object key 'a\\b' is not valid: it contains a backslash; separate segments" + " with '/'"
                },
                new String[] {
                    "a\0b", "object key 'a\0b' is not valid: it contains a control character at position" + " 1"
                });
        for (String[] c : cases) {
            assertThatThrownBy(() -> store.put(c[0], utf8("x")))
                    .as(c[0])
                    .isInstanceOf(InvalidObjectKeyException.class)
                    .hasMessage(c[1]);
            assertThatThrownBy(() -> store.get(c[0])).isInstanceOf(InvalidObjectKeyException.class);
        }
        assertThatThrownBy(() -> store.list("../")).isInstanceOf(InvalidObjectKeyException.class);
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void readersNeverSeeAPartialObject() throws Exception {
        int size = 4 << 20;
        byte[] a = new byte[size];
        byte[] b = new byte[size + 4096];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        store.put("hot", a);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Thread t = new Thread(() -> {
                while (!stop.get() && torn.get() == null) {
                    byte[] got = store.get("hot");
                    boolean whole = (got.length == a.length && Arrays.equals(got, a))
                            || (got.length == b.length && Arrays.equals(got, b));
                    if (!whole) {
                        torn.set("read " + got.length + " bytes that are neither object");
                    }
                }
            });
            t.start();
            readers.add(t);
        }
        for (int i = 0; i < 40; i++) {
            store.put("hot", i % 2 == 0 ? b : a);
        }
        stop.set(true);
        for (Thread t : readers) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(torn.get()).isNull();
        assertThat(store.list("")).containsExactly("hot");
    }
}
