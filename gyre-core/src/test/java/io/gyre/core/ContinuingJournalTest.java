package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.RunId;
import io.gyre.api.RunRecord;
import io.gyre.api.RunState;
import io.gyre.api.TaskId;
import io.gyre.api.TaskRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An orchestrator adopting a run continues the dead owner's {@code events.jsonl}: a torn last line is cut, no
 * event is written twice, and the events the owner appended but never wrote come from the store, in order.
 */
class ContinuingJournalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Stores.InMemoryStore store = Stores.inMemory(InstantSource.system());
    private final RunId run = RunId.of("adopted");
    private final TaskId task = TaskId.of("a");

    @TempDir
    Path runs;

    private RunDirectory directory() {
        RunDirectory dir = RunDirectory.create(runs, run, "name: adopted\n");
        RunInfo info = info();
        dir.writeRun(info);
        Instant now = Instant.now();
        store.createRun(
                new RunRecord(run, "adopted", RunState.RUNNING, 1, now, null, Map.of()),
                List.of(TaskRecord.pending(run, task)));
        return dir;
    }

    private RunInfo info() {
        return new RunInfo(
                run.value(),
                "adopted",
                "flow.yaml",
                "running",
                Instant.now().toString(),
                null,
                Map.of(),
                Map.of(),
                Map.of(),
                List.of(),
                1);
    }

    private List<Event> appendEvents(int n) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(store.append(
                    Event.of(run, Instant.now(), EventKind.TASK_READY, task, Map.of("n", Integer.toString(i)))));
        }
        return out;
    }

    private List<Long> seqs(RunDirectory dir) throws IOException {
        List<Long> seqs = new ArrayList<>();
        for (String line : Files.readAllLines(dir.events(), StandardCharsets.UTF_8)) {
            seqs.add(JSON.readTree(line).get("seq").asLong()); // every line must be whole JSON
        }
        return seqs;
    }

    @Test
    void cutsTheTornLineAndFillsTheGapFromTheStore() throws IOException {
        RunDirectory dir = directory();
        List<Event> events = appendEvents(8);
        // The dead owner wrote events 1..3 whole and died in the middle of event 4.
        RunJournal first = new RunJournal(dir, store, info(), 0);
        events.subList(0, 3).forEach(first::onEvent);
        first.close();
        Files.writeString(dir.events(), "{\"seq\":4,\"ti", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        RunJournal next = RunJournal.continuing(dir, store, info(), (after, limit) -> store.events(run, after, limit));
        next.onEvent(events.get(2)); // already in the file: not written again
        next.onEvent(events.get(6)); // 4..6 were never handed over: read from the store first
        next.close(); // and 8, appended before the close, is caught up at the end

        assertThat(seqs(dir)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void aLiveHandOverWritesEachEventOnceAndWholeLines() throws IOException {
        RunDirectory dir = directory();
        List<Event> events = appendEvents(6);
        RunJournal.EventReader reader = (after, limit) -> store.events(run, after, limit);
        RunJournal owner = RunJournal.continuing(dir, store, info(), reader);
        events.subList(0, 3).forEach(owner::onEvent);
        // The adopter starts while the owner's journal is still open, and is handed a later event.
        RunJournal adopter = RunJournal.continuing(dir, store, info(), reader);
        adopter.onEvent(events.get(4));
        owner.close(); // catches up to 6 before letting go of the file
        adopter.close(); // then finds 6 written: writes nothing again
        assertThat(seqs(dir)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void aJournalThatIsHandedNothingStillCatchesUpAtClose() throws IOException {
        RunDirectory dir = directory();
        appendEvents(3);
        RunJournal next = RunJournal.continuing(dir, store, info(), (after, limit) -> store.events(run, after, limit));
        next.close();
        assertThat(seqs(dir)).containsExactly(1L, 2L, 3L);
    }
}
