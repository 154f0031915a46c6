package io.gyre.redis;

import io.gyre.api.Action;
import io.gyre.api.Completion;
import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.Failure;
import io.gyre.api.GyreException;
import io.gyre.api.QueueName;
import io.gyre.api.RunId;
import io.gyre.api.TaskId;
import io.gyre.api.TaskOutcome;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import io.gyre.api.WorkItem;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The compact value encoding of the Redis store: a value is a sequence of netstrings, {@code <bytes>:<data>},
 * where the length counts UTF-8 bytes so that Lua's {@code #s} agrees with it and a script can build or wrap a
 * value without parsing it. A map is its entry count followed by keys and values; an absent value is the empty
 * string (ids and instants are never empty).
 *
 * <p>A work item starts with a plain header {@code run|task|attempt|} (names cannot contain {@code |}) so that
 * the claim script can check the item's task with one {@code string.match}; the rest are netstrings. A task
 * record is packed the same way: {@code state|version|attempts|exit|started|ended|} then the failure as a
 * netstring and the outputs map, so a script reads and rewrites the hot fields with one {@code string.match}.
 *
 * <p>Instants are written as {@code <epoch seconds>.<nanos, 9 digits>}: exact, cheap to write and parse on both
 * sides (no ISO-8601 formatting on the hot path).
 */
final class Codec {
    /** The largest value the store writes; bulk data belongs in the object store. */
    static final int MAX_VALUE_BYTES = 64 * 1024;

    /**
     * The key layout this code reads and writes ({@code docs/redis.md}), kept in {@code <prefix>layout}: 2 since
     * ADR 0015 (packed task records in one hash per run, leases in one hash, compact times).
     */
    static final String LAYOUT = "2";

    private Codec() {}

    // ---------------------------------------------------------------- writing

    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

        Writer str(String s) {
            return raw(s.getBytes(StandardCharsets.UTF_8));
        }

        Writer raw(byte[] b) {
            byte[] len = Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII);
            out.write(len, 0, len.length);
            out.write(':');
            out.write(b, 0, b.length);
            return this;
        }

        Writer opt(@Nullable Object o) {
            return str(o == null ? "" : o.toString());
        }

        Writer map(Map<String, String> map) {
            str(Integer.toString(map.size()));
            map.forEach((k, v) -> str(k).str(v));
            return this;
        }

        Writer plain(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static final class Reader {
        private final byte[] in;
        private int pos;

        Reader(byte[] in) {
            this(in, 0);
        }

        Reader(byte[] in, int pos) {
            this.in = in;
            this.pos = pos;
        }

        byte[] raw() {
            int colon = pos;
            while (colon < in.length && in[colon] != ':') {
                colon++;
            }
            if (colon >= in.length) {
                throw corrupt();
            }
            int len = Integer.parseInt(new String(in, pos, colon - pos, StandardCharsets.US_ASCII));
            if (len < 0 || colon + 1 + len > in.length) {
                throw corrupt();
            }
            byte[] b = new byte[len];
            System.arraycopy(in, colon + 1, b, 0, len);
            pos = colon + 1 + len;
            return b;
        }

        String str() {
            return new String(raw(), StandardCharsets.UTF_8);
        }

        @Nullable
        String opt() {
            String s = str();
            return s.isEmpty() ? null : s;
        }

        int integer() {
            return Integer.parseInt(str());
        }

        Map<String, String> map() {
            int n = integer();
            Map<String, String> m = LinkedHashMap.newLinkedHashMap(n);
            for (int i = 0; i < n; i++) {
                m.put(str(), str());
            }
            return m;
        }

        private GyreException corrupt() {
            return new GyreException("a value in Redis is not in Gyre's encoding (at byte " + pos + " of " + in.length
                    + "); was the key prefix shared with another application?");
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static @Nullable Instant instant(@Nullable String s) {
        return s == null ? null : time(s);
    }

    /** An instant as the store writes it: epoch seconds, a dot, and the nanos in 9 digits. */
    static String time(Instant t) {
        String nanos = Integer.toString(t.getNano());
        return t.getEpochSecond() + "." + "000000000".substring(nanos.length()) + nanos;
    }

    static Instant time(String s) {
        byte[] b = utf8(s);
        return time(b, 0, b.length);
    }

    /** Parses {@link #time(Instant)}'s text from {@code b[from..to)}. */
    static Instant time(byte[] b, int from, int to) {
        int dot = from;
        while (dot < to && b[dot] != '.') {
            dot++;
        }
        if (dot == to || to - dot != 10) {
            throw new GyreException("a time in Redis is not in Gyre's encoding ('"
                    + new String(b, from, to - from, StandardCharsets.UTF_8)
                    + "'); is this store in another Gyre key layout?");
        }
        return Instant.ofEpochSecond(number(b, from, dot), number(b, dot + 1, to));
    }

    /** A decimal integer (optionally negative) in {@code b[from..to)}, without making a string of it. */
    static long number(byte[] b, int from, int to) {
        if (from >= to) {
            throw new Reader(b, from).corrupt();
        }
        boolean negative = b[from] == '-';
        long n = 0;
        for (int i = negative ? from + 1 : from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw new Reader(b, i).corrupt();
            }
            n = n * 10 + d;
        }
        return negative ? -n : n;
    }

    // ---------------------------------------------------------------- task records

    /** The packed record of a task: {@code state|version|} and then {@link #taskRest(TaskRecord)}. */
    static byte[] task(TaskRecord t) {
        Writer w = new Writer()
                .plain(t.state().name())
                .plain("|")
                .plain(Long.toString(t.version()))
                .plain("|");
        taskRest(w, t);
        return limited(w.bytes(), "the outputs of task " + t.run() + "/" + t.id());
    }

    /** A task record after its version: {@code attempts|exit|started|ended|<failure><outputs>}. */
    static byte[] taskRest(TaskRecord t) {
        Writer w = new Writer();
        taskRest(w, t);
        return limited(w.bytes(), "the outputs of task " + t.run() + "/" + t.id());
    }

    private static void taskRest(Writer w, TaskRecord t) {
        w.plain(Integer.toString(t.attempts()))
                .plain("|")
                .plain(t.exitCode() == null ? "" : t.exitCode().toString())
                .plain("|")
                .plain(t.startedAt() == null ? "" : time(t.startedAt()))
                .plain("|");
        ended(w, t.endedAt(), t.failure(), t.outputs());
    }

    /** What ending an attempt writes after its started time: {@code ended|<failure><outputs>}. */
    static byte[] ended(@Nullable Instant at, @Nullable Failure failure, Map<String, String> outputs, String what) {
        Writer w = new Writer();
        ended(w, at, failure, outputs);
        return limited(w.bytes(), what);
    }

    private static void ended(Writer w, @Nullable Instant at, @Nullable Failure failure, Map<String, String> outputs) {
        w.plain(at == null ? "" : time(at)).plain("|");
        if (failure == null) {
            w.str("");
        } else {
            w.raw(failure(failure));
        }
        w.map(outputs);
    }

    /** Unpacks a task record written by {@link #task(TaskRecord)} or a script. */
    static TaskRecord task(RunId run, TaskId id, byte[] b) {
        int[] bars = new int[6];
        int n = 0;
        for (int i = 0; i < b.length && n < 6; i++) {
            if (b[i] == '|') {
                bars[n++] = i;
            }
        }
        if (n < 6) {
            throw new Reader(b, b.length).corrupt();
        }
        TaskState state = TaskState.valueOf(new String(b, 0, bars[0], StandardCharsets.US_ASCII));
        long version = number(b, bars[0] + 1, bars[1]);
        int attempts = (int) number(b, bars[1] + 1, bars[2]);
        Integer exit = bars[3] == bars[2] + 1 ? null : (int) number(b, bars[2] + 1, bars[3]);
        Instant started = bars[4] == bars[3] + 1 ? null : time(b, bars[3] + 1, bars[4]);
        Instant ended = bars[5] == bars[4] + 1 ? null : time(b, bars[4] + 1, bars[5]);
        Reader r = new Reader(b, bars[5] + 1);
        byte[] failure = r.raw();
        return new TaskRecord(
                run,
                id,
                state,
                version,
                attempts,
                exit,
                started,
                ended,
                failure.length == 0 ? null : failure(new Reader(failure)),
                r.map());
    }

    /** Refuses a value over {@link #MAX_VALUE_BYTES}, naming it and what to do. */
    static byte[] limited(byte[] value, String what) {
        if (value.length > MAX_VALUE_BYTES) {
            throw new GyreException(what + " is " + value.length + " bytes encoded, over the Redis store's limit of "
                    + MAX_VALUE_BYTES + " bytes per value; keep env, labels, outputs and event data small and put"
                    + " bulk data in the object store");
        }
        return value;
    }

    // ---------------------------------------------------------------- work items

    static byte[] item(WorkItem item) {
        Writer w = new Writer().plain(item.run().value() + "|" + item.task().value() + "|" + item.attempt() + "|");
        switch (item.action()) {
            case Action.Shell s -> w.str("S").str(s.script());
            case Action.Command c -> {
                w.str("C").str(Integer.toString(c.argv().size()));
                c.argv().forEach(w::str);
            }
            case Action.Java j -> w.str("J").str(j.name());
        }
        w.map(item.env()).opt(item.timeout()).str(item.queue().value()).map(item.labels());
        return limited(
                w.bytes(),
                "work item " + item.run() + "/" + item.task() + " attempt " + item.attempt() + " (its env and labels)");
    }

    static WorkItem item(byte[] b) {
        int bars = 0;
        int pos = 0;
        int[] ends = new int[3];
        while (bars < 3) {
            if (pos >= b.length) {
                throw new Reader(b, b.length).corrupt();
            }
            if (b[pos] == '|') {
                ends[bars++] = pos;
            }
            pos++;
        }
        String head = new String(b, 0, ends[2], StandardCharsets.UTF_8);
        String[] parts = head.split("\\|", 3);
        Reader r = new Reader(b, pos);
        String kind = r.str();
        Action action = switch (kind) {
            case "S" -> new Action.Shell(r.str());
            case "C" -> {
                int n = r.integer();
                List<String> argv = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    argv.add(r.str());
                }
                yield new Action.Command(argv);
            }
            case "J" -> new Action.Java(r.str());
            default -> throw r.corrupt();
        };
        Map<String, String> env = r.map();
        String timeout = r.opt();
        QueueName queue = QueueName.of(r.str());
        Map<String, String> labels = r.map();
        return new WorkItem(
                RunId.of(parts[0]),
                TaskId.of(parts[1]),
                Integer.parseInt(parts[2]),
                action,
                env,
                timeout == null ? null : Duration.parse(timeout),
                queue,
                labels);
    }

    // ---------------------------------------------------------------- outcomes and completions

    static byte[] failure(Failure f) {
        return new Writer()
                .str(f.type())
                .str(f.message())
                .str(f.retryable() ? "1" : "0")
                .bytes();
    }

    static Failure failure(Reader r) {
        return new Failure(r.str(), r.str(), r.str().equals("1"));
    }

    /** Mirrors the outcome the reap script writes for a lost lease: F, exit, type, message, retryable. */
    static byte[] outcome(TaskOutcome outcome) {
        Writer w = new Writer();
        switch (outcome) {
            case TaskOutcome.Succeeded s ->
                w.str("S").str(Integer.toString(s.exitCode())).map(s.outputs());
            case TaskOutcome.Failed f ->
                w.str("F")
                        .str(Integer.toString(f.exitCode()))
                        .str(f.failure().type())
                        .str(f.failure().message())
                        .str(f.failure().retryable() ? "1" : "0");
            case TaskOutcome.Cancelled c ->
                w.str("C").str(Integer.toString(c.exitCode())).str(c.reason());
        }
        return limited(w.bytes(), "the outcome of a task (its outputs or failure message)");
    }

    static TaskOutcome outcome(Reader r) {
        String kind = r.str();
        int exit = r.integer();
        return switch (kind) {
            case "S" -> new TaskOutcome.Succeeded(exit, r.map());
            case "F" -> new TaskOutcome.Failed(exit, failure(r));
            case "C" -> new TaskOutcome.Cancelled(exit, r.str());
            default -> throw r.corrupt();
        };
    }

    /** A completion as the complete and reap scripts write it: item, outcome, at. */
    static Completion completion(byte[] b) {
        Reader r = new Reader(b);
        WorkItem item = item(r.raw());
        TaskOutcome outcome = outcome(new Reader(r.raw()));
        return new Completion(item, outcome, time(r.str()));
    }

    // ---------------------------------------------------------------- events

    /** An event without its run and seq (the list it is in, and its index there, give those). */
    static byte[] event(Event e) {
        return limited(
                new Writer()
                        .str(time(e.time()))
                        .str(e.kind().wireName())
                        .opt(e.task())
                        .map(e.data())
                        .bytes(),
                "a " + e.kind().wireName() + " event of run " + e.run() + " (its data)");
    }

    static Event event(RunId run, long seq, byte[] b) {
        Reader r = new Reader(b);
        Instant time = time(r.str());
        EventKind kind = EventKind.fromWireName(r.str());
        String task = r.opt();
        return new Event(run, seq, time, kind, task == null ? null : TaskId.of(task), r.map());
    }
}
