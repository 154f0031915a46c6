package io.gyre.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gyre.api.Event;
import io.gyre.api.EventListener;
import io.gyre.api.GyreException;
import io.gyre.api.RunRecord;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes a run's events into its run directory, off the engine's hot path: {@code events.jsonl} (one JSON object
 * per line, in sequence order), each touched task's {@code status.json} and {@code run.json}.
 *
 * <p>Events are queued by the appending thread and written by one writer thread in batches gathered over
 * {@link #WINDOW}; status files are written once per batch per task with the task's latest state, so a burst
 * of transitions costs one write. A live reader sees the directory at most one window behind the run.
 *
 * <p>A journal that {@linkplain #continuing continues} another process's (an orchestrator adopting a run whose
 * owner died) first cuts a line the dead writer left half-written, then writes only events after the last one in
 * the file, reading any it was not handed (those the owner appended but had not written, and those appended
 * before the subscription began) from the store, in order, and once more when it closes.
 */
public final class RunJournal implements EventListener, AutoCloseable {
    private static final Event STOP = Event.of(
            io.gyre.api.RunId.of("stop"), java.time.Instant.EPOCH, io.gyre.api.EventKind.RUN_STARTED, null, Map.of());
    private static final JsonFactory JSON = new JsonFactory();
    /** How long the writer gathers events before writing them (what a live reader may lag behind). */
    private static final Duration WINDOW = Duration.ofMillis(100);

    private final RunDirectory dir;
    private final StateStore store;
    private final RunInfo info;
    private final long seqOffset;
    private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    /** Reads the events of a gap; null when every event is handed over (this journal wrote the file alone). */
    private final @org.jspecify.annotations.Nullable EventReader gaps;
    /** The last seq written (continuing journals only). */
    private long written;

    /** Opened by the writer thread for a continuing journal (after the {@link JournalLock}), else at once. */
    private @org.jspecify.annotations.Nullable Writer events;

    private final Thread writer;
    private volatile @org.jspecify.annotations.Nullable Throwable failure;

    /**
     * @param info the run's description; its state and end time are updated from the store on run events
     * @param seqOffset added to each event's sequence number (a resumed run continues its earlier numbering)
     */
    public RunJournal(RunDirectory dir, StateStore store, RunInfo info, long seqOffset) {
        this(dir, store, info, seqOffset, null);
    }

    /** Reads up to {@code limit} of a run's events after {@code afterSeq}, as {@code StateQueries.events} does. */
    @FunctionalInterface
    public interface EventReader {
        List<Event> after(long afterSeq, int limit);
    }

    /**
     * A journal that takes over a run directory another process wrote (see the class comment). It writes once it
     * holds the directory's {@link JournalLock}: while the previous owner's journal is still open (a hand-over
     * of a live orchestrator's run), events wait in memory.
     */
    public static RunJournal continuing(RunDirectory dir, StateStore store, RunInfo info, EventReader reader) {
        return new RunJournal(dir, store, info, 0, reader);
    }

    private RunJournal(
            RunDirectory dir,
            StateStore store,
            RunInfo info,
            long seqOffset,
            @org.jspecify.annotations.Nullable EventReader gaps) {
        this.dir = dir;
        this.store = store;
        this.info = info;
        this.seqOffset = seqOffset;
        this.gaps = gaps;
        if (gaps == null) {
            try {
                this.events = open();
            } catch (IOException e) {
                throw new GyreException("cannot open " + dir.events() + ": " + e.getMessage(), e);
            }
            dir.writeRun(info); // a continuing journal leaves run.json to the previous owner until it holds the lock
        }
        this.writer = Thread.ofPlatform().name("gyre-journal").daemon(true).start(this::writeLoop);
    }

    private Writer open() throws IOException {
        return new BufferedWriter(
                Files.newBufferedWriter(
                        dir.events(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                1 << 16);
    }

    private void writeLoop() {
        if (gaps == null) {
            writeUntilStopped(Objects.requireNonNull(events));
            return;
        }
        try (JournalLock held = JournalLock.acquire(dir.path())) {
            dir.cutTornEventLine();
            written = dir.lastEventSeq();
            try (Writer out = open()) { // closed, so flushed, before the lock goes to the next owner
                events = out;
                writeUntilStopped(out);
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    @Override
    public void onEvent(Event event) {
        queue.add(event);
    }

    private void writeUntilStopped(Writer events) {
        List<Event> batch = new ArrayList<>();
        Set<TaskId> touched = new LinkedHashSet<>();
        boolean stop = false;
        try {
            while (!stop) {
                collect(batch);
                boolean runChanged = false;
                for (Event e : batch) {
                    if (e == STOP) {
                        stop = true;
                        runChanged |= fillGap(Long.MAX_VALUE, touched);
                        continue;
                    }
                    if (gaps != null) {
                        if (e.seq() <= written) {
                            continue;
                        }
                        runChanged |= fillGap(e.seq(), touched);
                    }
                    runChanged |= write(e, touched);
                }
                events.flush();
                for (TaskId t : touched) {
                    dir.writeStatus(TaskStatus.of(store.task(info.runId(), t)));
                }
                if (runChanged) {
                    writeRunState();
                }
                batch.clear();
                touched.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    /** Writes one event; true when it is a run event (run.json is rewritten). */
    private boolean write(Event e, Set<TaskId> touched) throws IOException {
        writeLine(e);
        written = Math.max(written, e.seq());
        TaskId task = e.task();
        if (task == null) {
            return true;
        }
        if (!e.kind().isResult()) {
            touched.add(task);
        }
        return false;
    }

    /** A continuing journal writes the store's events after the last written and before {@code seq}. */
    private boolean fillGap(long seq, Set<TaskId> touched) throws IOException {
        EventReader reader = gaps;
        boolean runChanged = false;
        while (reader != null && written < seq - 1) {
            List<Event> page = reader.after(written, 1024);
            if (page.isEmpty()) {
                break;
            }
            for (Event e : page) {
                if (e.seq() >= seq) {
                    return runChanged;
                }
                runChanged |= write(e, touched);
            }
        }
        return runChanged;
    }

    /**
     * Takes the next event and whatever else arrives within {@link #WINDOW}: a task that starts and ends inside
     * one window costs one status write instead of three, and the events file is written once per window.
     */
    private void collect(List<Event> batch) throws InterruptedException {
        Event first = queue.take();
        batch.add(first);
        long deadline = System.nanoTime() + WINDOW.toNanos();
        Event next = first;
        while (next != STOP && batch.size() < 65_536) {
            queue.drainTo(batch, 8192);
            if (batch.getLast() == STOP) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
        }
    }

    private void writeRunState() {
        RunRecord r = store.run(info.runId());
        dir.writeRun(new RunInfo(
                info.id(),
                info.flow(),
                info.source(),
                r.state().wireName(),
                info.createdAt(),
                r.endedAt() == null ? null : r.endedAt().toString(),
                info.params(),
                info.context(),
                info.overrides(),
                info.targets(),
                info.tasks()));
    }

    private void writeLine(Event e) throws IOException {
        Writer events = Objects.requireNonNull(this.events);
        try (JsonGenerator g = JSON.createGenerator(events)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeNumberField("seq", e.seq() + seqOffset);
            g.writeStringField("time", e.time().toString());
            g.writeStringField("kind", e.kind().wireName());
            g.writeStringField("run", e.run().value());
            TaskId task = e.task();
            if (task != null) {
                g.writeStringField("task", task.value());
            }
            if (!e.data().isEmpty()) {
                g.writeObjectFieldStart("data");
                for (Map.Entry<String, String> d : e.data().entrySet()) {
                    g.writeStringField(d.getKey(), d.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        events.write('\n');
    }

    /** Writes everything queued so far and stops the writer. */
    @Override
    public void close() {
        queue.add(STOP);
        try {
            writer.join();
            Writer w = events;
            if (w != null) {
                w.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new GyreException("cannot close " + dir.events() + ": " + e.getMessage(), e);
        }
        Throwable f = failure;
        if (f != null) {
            throw new GyreException("writing the run directory failed: " + f.getMessage(), f);
        }
    }
}
