package io.gyre.results;

import io.gyre.api.GyreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Watches the results directories of running attempts and hands each complete file to a consumer, oldest first.
 * Files appear by rename (write {@code .x.tmp}, then rename to {@code x.json}); names starting with '.' or ending
 * in {@code .tmp}, {@code .part} or {@code .rejected} are not yet (or no longer) results and are left alone.
 *
 * <p>One scan of every registered directory each {@link #EVERY}: polling, not inotify, because results
 * directories live on shared filesystems (NFS, Lustre) where change notification does not work, and a listing of
 * a few dozen directories ten times a second costs nothing.
 *
 * <p>A file is claimed before it is read: renamed to {@code .taking-<name>}, so a task that renames a newer
 * snapshot onto the same name meanwhile does not lose it (it is taken on the next scan). The consumer must remove
 * or rename the claimed file. A claim left by a worker that died is put back when the directory is watched again.
 */
final class ResultsInbox implements AutoCloseable {
    static final Duration EVERY = Duration.ofMillis(100);

    private final Map<Path, Watch> watched = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> scans;

    ResultsInbox(ScheduledExecutorService timers) {
        this.scans =
                timers.scheduleWithFixedDelay(this::scanAll, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static final String CLAIMED = ".taking-";

    /** A file taken from a results directory: where it is now, and the name the task gave it. */
    record Taken(Path claimed, String name) {
        /** A sibling named after the original file: {@code <name><suffix>}. */
        Path besideAs(String suffix) {
            return claimed.resolveSibling(name + suffix);
        }
    }

    /** Starts watching {@code dir} (created if missing); closing the watch takes what is left, then stops. */
    Watch watch(Path dir, Consumer<Taken> taker) {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(CLAIMED) && !Files.exists(dir.resolve(name.substring(CLAIMED.length())))) {
                        Files.move(p, dir.resolve(name.substring(CLAIMED.length())));
                    }
                }
            }
        } catch (IOException e) {
            throw new GyreException("cannot prepare the results directory " + dir + ": " + e.getMessage(), e);
        }
        Watch w = new Watch(dir, taker);
        watched.put(dir, w);
        return w;
    }

    private void scanAll() {
        for (Watch w : watched.values()) {
            try {
                w.scan();
            } catch (RuntimeException e) {
                // One directory's trouble (deleted under us) must not stop the others; its close scans again.
            }
        }
    }

    static boolean isResultFile(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".")
                && !name.endsWith(".tmp")
                && !name.endsWith(".part")
                && !name.endsWith(".rejected")
                && Files.isRegularFile(file);
    }

    @Override
    public void close() {
        scans.cancel(false);
    }

    /** One watched directory; scans are serialized so a file is taken once. */
    final class Watch implements AutoCloseable {
        private final Path dir;
        private final Consumer<Taken> taker;

        private Watch(Path dir, Consumer<Taken> taker) {
            this.dir = dir;
            this.taker = taker;
        }

        synchronized void scan() {
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(ResultsInbox::isResultFile)
                        .sorted(Comparator.comparing(Watch::modified).thenComparing(Path::toString))
                        .toList();
            } catch (IOException e) {
                return;
            }
            RuntimeException failure = null;
            for (Path file : files) {
                String name = file.getFileName().toString();
                Path claimed = dir.resolve(CLAIMED + name);
                try {
                    Files.move(file, claimed, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException gone) {
                    continue; // renamed over or removed meanwhile: the next scan sees what is there
                }
                try {
                    taker.accept(new Taken(claimed, name));
                } catch (RuntimeException trouble) {
                    failure = trouble; // the others are still taken; the file was put back for a later scan
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        private static long modified(Path p) {
            try {
                return Files.getLastModifiedTime(p).toMillis();
            } catch (IOException e) {
                return Long.MAX_VALUE;
            }
        }

        /** Stops watching after taking whatever the attempt left (its last snapshot is often written at exit). */
        @Override
        public void close() {
            watched.remove(dir, this);
            scan();
        }
    }
}
