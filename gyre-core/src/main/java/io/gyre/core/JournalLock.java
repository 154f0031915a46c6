package io.gyre.core;

import io.gyre.api.GyreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive right to write a run directory's {@code events.jsonl}, held by a journal for its whole life: in this
 * JVM a lock per directory, across processes an OS lock on {@code .journal.lock} (released by the OS when the
 * holder dies). An orchestrator that adopts a run waits here until the previous owner's journal has closed, so
 * the two never write the file at once (an OS file lock cannot exclude two channels of one JVM, hence both). On
 * NFS a dead holder's lock lasts until the server's lock lease lapses; the adopter's events wait in memory meanwhile.
 */
final class JournalLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, Holder> HELD = new ConcurrentHashMap<>();

    private final Path key;
    private final Holder holder;
    private final FileChannel channel;
    private final FileLock lock;

    private JournalLock(Path key, Holder holder, FileChannel channel, FileLock lock) {
        this.key = key;
        this.holder = holder;
        this.channel = channel;
        this.lock = lock;
    }

    /** Blocks until this thread holds the journal of {@code runDir}. Released by {@link #close} on this thread. */
    static JournalLock acquire(Path runDir) {
        Path key = runDir.toAbsolutePath().normalize();
        Holder holder = HELD.compute(key, (k, h) -> h == null ? new Holder() : h.join());
        holder.lock.lock();
        try {
            FileChannel channel =
                    FileChannel.open(key.resolve(".journal.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new JournalLock(key, holder, channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            leave(key, holder);
            throw new GyreException("cannot lock the journal of " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel releases the lock in any case
        } finally {
            leave(key, holder);
        }
    }

    private static void leave(Path key, Holder holder) {
        holder.lock.unlock();
        HELD.computeIfPresent(key, (k, h) -> h.leave() ? null : h);
    }

    /** One directory's in-JVM lock and how many journals hold or wait for it (the entry goes with the last). */
    private static final class Holder {
        final ReentrantLock lock = new ReentrantLock();
        int users = 1;

        Holder join() {
            users++;
            return this;
        }

        boolean leave() {
            return --users == 0;
        }
    }
}
