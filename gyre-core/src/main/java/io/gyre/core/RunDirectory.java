package io.gyre.core;

import io.gyre.api.Action;
import io.gyre.api.GyreException;
import io.gyre.api.RunId;
import io.gyre.api.TaskId;
import io.gyre.api.TaskLaunch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The standard run directory: {@code <runs>/<run-id>/} with {@code flow.yaml} (the flow as submitted),
 * {@code run.json}, {@code events.jsonl} and {@code tasks/<task-id>/} holding {@code status.json},
 * {@code stdout.log}, {@code stderr.log}, {@code output.env} and the task's working directory {@code outputs/}.
 *
 * <p>JSON files are replaced atomically (write a temporary file, then rename), so a reader never sees half a
 * file, even while the run is live.
 */
public final class RunDirectory {
    public static final String RUN_JSON = "run.json";
    public static final String EVENTS = "events.jsonl";
    public static final String FLOW = "flow.yaml";

    private final Path dir;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /** Creates {@code runsDir/<id>/} and writes the flow's source text into it. */
    public static RunDirectory create(Path runsDir, RunId id, String flowText) {
        Path dir = runsDir.resolve(id.value());
        try {
            Files.createDirectories(dir.resolve("tasks"));
            Files.writeString(dir.resolve(FLOW), flowText, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GyreException(
                    "cannot create the run directory " + dir + ": " + e.getMessage()
                            + " (check --runs-dir and its permissions)",
                    e);
        }
        return new RunDirectory(dir);
    }

    /** Opens an existing run directory; a clear error if {@code dir} is not one. */
    public static RunDirectory open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new GyreException(dir + " is not a directory; pass a run directory such as runs/<run-id>");
        }
        if (!Files.isRegularFile(dir.resolve(RUN_JSON))) {
            throw new GyreException(dir + " is not a run directory (it has no " + RUN_JSON
                    + "); pass a directory such as runs/<run-id>");
        }
        return new RunDirectory(dir);
    }

    public Path path() {
        return dir;
    }

    /**
     * Takes the directory's lock ({@code .lock}, an OS file lock released when the process dies), so that two
     * gyre processes never drive one run. Throws {@link GyreException} when another process holds it.
     */
    public Lock lock() {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new GyreException("cannot lock " + dir + ": " + e.getMessage(), e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new Lock(channel, lock);
            }
        } catch (OverlappingFileLockException | IOException held) {
            // held by this process, or not lockable: the same answer as for another process
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
        throw new GyreException("run " + dir.getFileName() + " is being driven by another gyre process right now;"
                + " wait for it to end (gyre status " + dir + ") before resuming it");
    }

    /** The held lock of a run directory. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // the lock dies with the channel or the process
            }
        }
    }

    public Path taskDir(TaskId task) {
        return dir.resolve("tasks").resolve(task.value());
    }

    public Path stdout(TaskId task) {
        return taskDir(task).resolve("stdout.log");
    }

    public Path stderr(TaskId task) {
        return taskDir(task).resolve("stderr.log");
    }

    public Path events() {
        return dir.resolve(EVENTS);
    }

    public String flowText() {
        try {
            return Files.readString(dir.resolve(FLOW), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GyreException("cannot read " + dir.resolve(FLOW) + ": " + e.getMessage(), e);
        }
    }

    public void writeRun(RunInfo info) {
        writeJson(dir.resolve(RUN_JSON), info);
    }

    public RunInfo readRun() {
        return readJson(dir.resolve(RUN_JSON), RunInfo.class);
    }

    public void writeStatus(TaskStatus status) {
        writeJson(taskDir(TaskId.of(status.id())).resolve("status.json"), status);
    }

    public Optional<TaskStatus> readStatus(TaskId task) {
        Path file = taskDir(task).resolve("status.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(readJson(file, TaskStatus.class));
    }

    /** Every task's status file, in task-id order. */
    public List<TaskStatus> readStatuses() {
        List<TaskStatus> out = new ArrayList<>();
        Path tasks = dir.resolve("tasks");
        if (!Files.isDirectory(tasks)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tasks)) {
            for (Path t : entries) {
                Path file = t.resolve("status.json");
                if (Files.isRegularFile(file)) {
                    out.add(readJson(file, TaskStatus.class));
                }
            }
        } catch (IOException e) {
            throw new GyreException("cannot list " + tasks + ": " + e.getMessage(), e);
        }
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    /**
     * Cuts a last line of {@code events.jsonl} that does not end in a newline: what a writer killed mid-line
     * left. The events it held are still in the store; a continuing journal writes them again.
     */
    public void cutTornEventLine() {
        Path file = events();
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(4096);
            long end = size;
            while (end > 0) {
                int n = (int) Math.min(one.capacity(), end);
                one.clear().limit(n);
                ch.read(one, end - n);
                for (int i = n - 1; i >= 0; i--) {
                    if (one.get(i) == '\n') {
                        long keep = end - n + i + 1;
                        if (keep < size) {
                            ch.truncate(keep);
                        }
                        return;
                    }
                }
                end -= n;
            }
            ch.truncate(0); // not one whole line
        } catch (IOException e) {
            throw new GyreException("cannot repair " + file + ": " + e.getMessage(), e);
        }
    }

    /** The highest sequence number in {@code events.jsonl}, 0 if there is none. */
    public long lastEventSeq() {
        Path file = events();
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        long last = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                int at = line.indexOf("\"seq\":");
                if (at >= 0) {
                    int end = at + 6;
                    while (end < line.length() && Character.isDigit(line.charAt(end))) {
                        end++;
                    }
                    last = Math.max(last, Long.parseLong(line.substring(at + 6, end)));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new GyreException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return last;
    }

    /**
     * Attempts of this run work in {@code tasks/<id>/outputs/}, log to {@code stdout.log}/{@code stderr.log}
     * and publish context through {@code output.env}. The directory is made (and a previous attempt's {@code
     * output.env} removed) before a process starts; an in-process {@link Action.Java} task gets the same paths
     * but makes the directory itself if it writes there, and a previous attempt's {@code output.env} stays (an
     * in-process task returns its outputs in its {@code TaskOutcome}), so a task that touches no file costs no file
     * system call (two directory creations were most of a no-op task's cost on a worker; ADR 0016).
     */
    public AttemptSetup attemptSetup() {
        return item -> {
            Path taskDir = taskDir(item.task());
            Path work = taskDir.resolve("outputs");
            Path output = taskDir.resolve("output.env");
            if (!(item.action() instanceof Action.Java)) {
                try {
                    Files.createDirectories(work);
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot prepare " + work, e);
                }
            }
            return new TaskLaunch(
                    item.run(),
                    item.task(),
                    item.attempt(),
                    item.action(),
                    AttemptSetups.withGyreVars(item, work.toAbsolutePath(), output.toAbsolutePath()),
                    work,
                    taskDir.resolve("stdout.log"),
                    taskDir.resolve("stderr.log"),
                    output,
                    item.timeout());
        };
    }

    /** The expansion of a dynamic sweep, recorded when it was expanded: {@code tasks/<task>/fanout.json}. */
    public Path fanOut(TaskId task) {
        return taskDir(task).resolve("fanout.json");
    }

    /**
     * Dynamic sweeps read their lists from the source task's working directory ({@code tasks/<source>/outputs/})
     * and record their expansion in {@code tasks/<task>/fanout.json}.
     */
    public FanOutFiles fanOutFiles() {
        return new FanOutFiles() {
            @Override
            public String read(TaskId task, String file) {
                Path work = taskDir(task).resolve("outputs");
                Path list = work.resolve(file).normalize();
                if (!list.startsWith(work.normalize())) {
                    throw new GyreException(file + " is outside the working directory of task '" + task + "'");
                }
                if (!Files.isRegularFile(list)) {
                    throw new GyreException("task '" + task + "' wrote no " + file + " in its working directory ("
                            + list + "); write the JSON list there, e.g. > " + file);
                }
                try {
                    return Files.readString(list, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new GyreException("cannot read " + list + ": " + e.getMessage(), e);
                }
            }

            @Override
            public Optional<String> recorded(TaskId task) {
                Path file = fanOut(task);
                if (!Files.isRegularFile(file)) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new GyreException("cannot read " + file + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void record(TaskId task, String expansion) {
                Path file = fanOut(task);
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                try {
                    Files.createDirectories(file.getParent());
                    Files.writeString(tmp, expansion, StandardCharsets.UTF_8);
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new GyreException("cannot write " + file + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private static void writeJson(Path file, Object value) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Json.MAPPER.writeValue(tmp.toFile(), value);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new GyreException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static <T> T readJson(Path file, Class<T> type) {
        try {
            return Json.MAPPER.readValue(file.toFile(), type);
        } catch (NoSuchFileException e) {
            throw new GyreException(file + " is missing", e);
        } catch (IOException e) {
            throw new GyreException(file + " is not readable as " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
