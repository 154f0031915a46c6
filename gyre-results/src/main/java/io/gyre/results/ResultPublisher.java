package io.gyre.results;

import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.ObjectStore;
import io.gyre.api.RunId;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Turns a file a task put into its results directory into stored snapshots: reads it (JSON, CSV or Parquet),
 * writes each named array as a Parquet object numbered after the task's previous snapshots of that name, records
 * a {@code partial_result} event per array, and removes the file. A file that cannot be read is renamed
 * {@code <file>.rejected} (nothing is lost) and a {@code partial_result_rejected} event says why.
 */
final class ResultPublisher {
    /** The prefix of a run's results in its object store. */
    static final String RESULTS = "results";

    private final StateStore events;
    private final Function<RunId, ObjectStore> objectsOf;
    private final InstantSource clock;
    /** The last sequence number used per run, task and name (primed from the store after a restart). */
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();

    ResultPublisher(StateStore events, Function<RunId, ObjectStore> objectsOf, InstantSource clock) {
        this.events = events;
        this.objectsOf = objectsOf;
        this.clock = clock;
    }

    /**
     * Stores and announces what one file holds. Store trouble (an object store or state store that cannot be
     * reached) puts the file back under its name for a later scan and is rethrown; nothing is lost.
     */
    void publish(RunId run, TaskId task, int attempt, ResultsInbox.Taken file) {
        SnapshotFile read;
        try {
            read = SnapshotFiles.read(file.name(), Files.readAllBytes(file.claimed()));
        } catch (InvalidSnapshotException | IllegalArgumentException e) {
            reject(run, task, file, e.getMessage());
            return;
        } catch (IOException e) {
            reject(run, task, file, file.name() + ": cannot be read: " + e.getMessage());
            return;
        }
        try {
            store(run, task, attempt, read);
        } catch (RuntimeException trouble) {
            putBack(file);
            throw trouble;
        }
        try {
            Files.deleteIfExists(file.claimed());
        } catch (IOException e) {
            // Stored already; a claimed file is hidden from later scans, so leaving it costs only its space.
        }
    }

    private void store(RunId run, TaskId task, int attempt, SnapshotFile read) {
        SnapshotStore snapshots = new SnapshotStore(objectsOf.apply(run), RESULTS);
        List<Event> published = new ArrayList<>();
        for (Snapshot s : read.snapshots(task, 0)) {
            long seq = nextSeq(run, snapshots, s.name(), task, attempt);
            SnapshotStore.Stored stored = snapshots.put(
                    new Snapshot(task, s.name(), seq, s.weight(), s.shape(), s.values(), s.unit(), s.axes()));
            published.add(Event.of(
                    run,
                    clock.instant(),
                    EventKind.PARTIAL_RESULT,
                    task,
                    Map.of(
                            "name", s.name(),
                            "seq", Long.toString(seq),
                            "weight", number(s.weight()),
                            "bytes", Long.toString(stored.bytes()),
                            "key", stored.key())));
        }
        events.appendAll(published);
    }

    /** Puts a claimed file back under its name (unless the task wrote a newer one meanwhile) for a later scan. */
    private static void putBack(ResultsInbox.Taken file) {
        try {
            Path original = file.besideAs("");
            if (!Files.exists(original)) {
                Files.move(file.claimed(), original);
            } else {
                Files.deleteIfExists(file.claimed()); // superseded by the newer file of the same name
            }
        } catch (IOException e) {
            // It stays claimed; the next watch of this directory puts it back.
        }
    }

    /**
     * 1, or one more than the highest already stored, then counting within the attempt. Read from the store at the
     * start of each attempt: an earlier attempt may have run on another worker, whose numbers this one continues.
     */
    private long nextSeq(RunId run, SnapshotStore snapshots, String name, TaskId task, int attempt) {
        return lastSeq.compute(
                run.value() + "/" + name + "/" + task.value() + "/" + attempt,
                (k, old) -> old == null ? snapshots.lastSeq(task, name) + 1 : old + 1);
    }

    /** Forgets the numbering of an attempt that ended. */
    void forget(RunId run, TaskId task, int attempt) {
        String suffix = "/" + task.value() + "/" + attempt;
        lastSeq.keySet().removeIf(k -> k.startsWith(run.value() + "/") && k.endsWith(suffix));
    }

    private void reject(
            RunId run, TaskId task, ResultsInbox.Taken file, @org.jspecify.annotations.Nullable String reason) {
        String why = reason == null ? "unreadable" : reason;
        try {
            Files.move(file.claimed(), file.besideAs(".rejected"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // The claimed (hidden) file stays; the event below still says what was wrong.
        }
        events.append(Event.of(
                run,
                clock.instant(),
                EventKind.PARTIAL_RESULT_REJECTED,
                task,
                Map.of("file", file.name(), "message", why)));
    }

    /** A weight as event data: {@code 300}, not {@code 300.0}; exact otherwise. */
    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
