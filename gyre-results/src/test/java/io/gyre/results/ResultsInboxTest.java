package io.gyre.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results directory watcher: complete files only, oldest first, each once, and what is left at close. */
class ResultsInboxTest {
    @TempDir
    Path tmp;

    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    private final List<String> taken = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private void take(ResultsInbox.Taken file) {
        taken.add(file.name());
        try {
            Files.delete(file.claimed());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void takesCompleteFilesOldestFirstAndLeavesTemporaryOnesAlone() throws Exception {
        try (ResultsInbox inbox = new ResultsInbox(timers)) {
            Path dir = tmp.resolve("results");
            ResultsInbox.Watch watch = inbox.watch(dir, this::take);
            Path newer = Files.writeString(dir.resolve("a.json"), "{}");
            Path older = Files.writeString(dir.resolve("b.json"), "{}");
            Files.setLastModifiedTime(older, FileTime.from(Instant.now().minusSeconds(5)));
            Files.setLastModifiedTime(newer, FileTime.from(Instant.now()));
            Files.writeString(dir.resolve(".c.json"), "{}");
            Files.writeString(dir.resolve("d.json.tmp"), "{}");
            Files.writeString(dir.resolve("e.part"), "{}");
            Files.writeString(dir.resolve("f.json.rejected"), "{}");
            await().atMost(Duration.ofSeconds(5)).until(() -> taken.size() == 2);
            assertThat(taken).containsExactly("b.json", "a.json");
            Files.writeString(dir.resolve("g.csv"), "x\n1\n");
            watch.close(); // takes what is left right away, without waiting for the next scan
            assertThat(taken).containsExactly("b.json", "a.json", "g.csv");
            assertThat(dir.resolve(".c.json")).exists();
            assertThat(dir.resolve("d.json.tmp")).exists();
            Files.writeString(dir.resolve("h.json"), "{}");
            Thread.sleep(3 * ResultsInbox.EVERY.toMillis());
            assertThat(taken).as("a closed watch takes nothing more").hasSize(3);
        }
    }

    @Test
    void aNewerFileRenamedOntoTheSameNameWhileOneIsBeingReadIsNotLost() throws Exception {
        Path dir = tmp.resolve("results");
        List<String> contents = new CopyOnWriteArrayList<>();
        try (ResultsInbox inbox = new ResultsInbox(timers)) {
            ResultsInbox.Watch watch = inbox.watch(dir, file -> {
                try {
                    String text = Files.readString(file.claimed());
                    contents.add(text);
                    if (text.equals("first")) {
                        // the task renames its next snapshot onto the same name while this one is being read
                        Files.writeString(dir.resolve(".n.tmp"), "second");
                        Files.move(dir.resolve(".n.tmp"), dir.resolve("snapshot.json"));
                    }
                    Files.delete(file.claimed());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Files.writeString(dir.resolve("snapshot.json"), "first");
            await().atMost(Duration.ofSeconds(5)).until(() -> contents.size() == 2);
            watch.close();
        }
        assertThat(contents).containsExactly("first", "second");
    }

    @Test
    void aClaimLeftByADeadWorkerIsPutBackWhenTheDirectoryIsWatchedAgain() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("results"));
        Files.writeString(dir.resolve(".taking-left.json"), "{}");
        try (ResultsInbox inbox = new ResultsInbox(timers)) {
            inbox.watch(dir, this::take).close();
        }
        assertThat(taken).containsExactly("left.json");
    }
}
