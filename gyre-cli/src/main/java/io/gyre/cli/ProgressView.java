package io.gyre.cli;

import io.gyre.api.Event;
import io.gyre.api.EventKind;
import io.gyre.api.EventListener;
import io.gyre.api.RunRecord;
import io.gyre.api.TaskId;
import io.gyre.api.TaskRecord;
import io.gyre.api.TaskState;
import io.gyre.core.LocalRun;
import io.gyre.results.MergedResult;
import io.gyre.results.ResultsText;
import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Shows a run's progress: on a terminal one line redrawn in place (counts by state, running tasks, elapsed and
 * ETA); otherwise a plain line every few seconds. The final summary names failed tasks and their errors.
 */
final class ProgressView implements EventListener, AutoCloseable {
    private static final int MAX_RESULT_LINES = 6;

    private enum Mode {
        LIVE,
        PLAIN,
        NONE
    }

    private final Mode mode;
    private final PrintWriter err;
    private final InstantSource clock;
    private final Map<TaskId, TaskState> states = new ConcurrentHashMap<>();
    private final Map<TaskId, String> failures = new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile String runDir = "";
    private volatile int total;
    private volatile Instant began = Instant.EPOCH;
    private @Nullable Thread painter;
    private volatile boolean stopped;
    private volatile Supplier<List<MergedResult>> results = List::of;

    private ProgressView(Mode mode, PrintWriter err, InstantSource clock) {
        this.mode = mode;
        this.err = err;
        this.clock = clock;
    }

    static ProgressView create(String mode, PrintWriter err, InstantSource clock) {
        Mode m = switch (mode.toLowerCase(Locale.ROOT)) {
            case "auto" -> isTerminal() ? Mode.LIVE : Mode.PLAIN;
            case "live" -> Mode.LIVE;
            case "plain" -> Mode.PLAIN;
            case "none" -> Mode.NONE;
            default ->
                throw new io.gyre.core.InvalidInputException(
                        List.of("--progress '" + mode + "' is not one of auto, live, plain, none"));
        };
        return new ProgressView(m, err, clock);
    }

    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method m = Console.class.getMethod("isTerminal"); // Java 22+: a console may exist without a terminal
            return (Boolean) m.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    void begin(LocalRun run) {
        total = run.handle().plan().size();
        runDir = run.directory().path().toString();
        began = clock.instant();
        for (TaskRecord t : run.tasks()) {
            states.putIfAbsent(t.id(), t.state());
        }
        if (mode == Mode.NONE) {
            return;
        }
        err.println("run " + run.handle().id() + ": " + total + " tasks -> "
                + run.directory().path());
        err.flush();
        Duration every = mode == Mode.LIVE ? Duration.ofMillis(200) : Duration.ofSeconds(5);
        painter = Thread.ofPlatform().daemon(true).name("gyre-progress").start(() -> {
            while (!stopped) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                if (!stopped) {
                    paint();
                }
            }
        });
    }

    @Override
    public void onEvent(Event e) {
        TaskId task = e.task();
        if (task == null) {
            return;
        }
        if (e.kind() == EventKind.TASK_EXPANDED) { // a dynamic sweep's instances join the run
            total = total + Integer.parseInt(e.data().getOrDefault("instances", "0"));
        }
        TaskState s = switch (e.kind()) {
            case TASK_READY, TASK_LEASE_EXPIRED -> TaskState.READY;
            case TASK_RESUMED -> TaskState.PENDING;
            case TASK_STARTED, TASK_EXPANDED -> TaskState.RUNNING;
            case TASK_SUCCEEDED -> TaskState.SUCCEEDED;
            case TASK_FAILED -> TaskState.FAILED;
            case TASK_RETRY_SCHEDULED -> TaskState.RETRY_WAIT;
            case TASK_SKIPPED -> TaskState.SKIPPED;
            case TASK_CANCELLED -> TaskState.CANCELLED;
            case TASK_OUTPUT,
                    RUN_STARTED,
                    RUN_RESUMED,
                    RUN_SUCCEEDED,
                    RUN_FAILED,
                    RUN_CANCELLED,
                    PARTIAL_RESULT,
                    PARTIAL_RESULT_REJECTED -> null;
        };
        if (s != null) {
            states.put(task, s);
            if (s == TaskState.FAILED) {
                failures.put(task, e.data().getOrDefault("message", "failed"));
            }
        }
    }

    private String line() {
        Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
        List<String> running = new ArrayList<>();
        for (Map.Entry<TaskId, TaskState> e : states.entrySet()) {
            counts.merge(e.getValue(), 1, Integer::sum);
            if (e.getValue() == TaskState.RUNNING && running.size() < 3) {
                running.add(e.getKey().value());
            }
        }
        int done = 0;
        StringBuilder parts = new StringBuilder();
        for (TaskState s : TaskState.values()) {
            int n = counts.getOrDefault(s, 0);
            if (s.isFinal()) {
                done += n;
            }
            if (n > 0 && s != TaskState.PENDING) {
                parts.append(' ').append(s.wireName()).append(' ').append(n);
            }
        }
        Duration elapsed = Duration.between(began, clock.instant());
        StringBuilder line = new StringBuilder();
        line.append('[')
                .append(format(elapsed))
                .append("] ")
                .append(done)
                .append('/')
                .append(total)
                .append(parts);
        if (!running.isEmpty()) {
            int n = counts.getOrDefault(TaskState.RUNNING, 0);
            line.append(" | ").append(String.join(", ", running)).append(n > running.size() ? ", ..." : "");
        }
        if (done > 0 && done < total) {
            line.append(" | ETA ")
                    .append(format(elapsed.multipliedBy(total - done).dividedBy(done)));
        }
        return line.toString();
    }

    /** Shows the live merged results under the progress line. */
    void showResults(Supplier<List<MergedResult>> source) {
        this.results = source;
    }

    private List<String> resultLines(List<MergedResult> merged) {
        List<String> lines = new ArrayList<>();
        int width = merged.stream().mapToInt(r -> r.name().length()).max().orElse(0);
        for (MergedResult r : merged) {
            if (lines.size() == MAX_RESULT_LINES) {
                lines.add("  ... and " + (merged.size() - MAX_RESULT_LINES) + " more results (gyre results " + runDir
                        + ")");
                break;
            }
            lines.add(String.format(Locale.ROOT, "  %-" + width + "s  %s", r.name(), ResultsText.line(r)));
        }
        return lines;
    }

    private synchronized void paint() {
        List<String> below = resultLines(results.get());
        if (mode == Mode.LIVE) {
            StringBuilder sb = new StringBuilder("\r\033[K").append(line());
            for (String l : below) {
                sb.append("\n\033[K").append(l);
            }
            if (!below.isEmpty()) {
                sb.append("\033[").append(below.size()).append('A').append('\r');
            }
            err.print(sb);
        } else {
            err.println(line());
            below.forEach(err::println);
        }
        err.flush();
    }

    synchronized void finish(RunRecord last, List<MergedResult> merged, Path resultsDir) {
        stop();
        if (mode == Mode.NONE) {
            return;
        }
        if (mode == Mode.LIVE) {
            err.print("\r\033[J");
        }
        err.println(line());
        if (!merged.isEmpty()) {
            err.println("results (" + resultsDir + ", gyre results " + runDir + "):");
            resultLines(merged).forEach(err::println);
        }
        int shown = 0;
        for (Map.Entry<TaskId, String> f : failures.entrySet()) {
            if (shown++ == 10) {
                err.println("  ... and " + (failures.size() - 10) + " more failed tasks (gyre status " + runDir + ")");
                break;
            }
            err.println("  failed: " + f.getKey() + ": " + f.getValue() + "  (gyre logs " + runDir + " " + f.getKey()
                    + " --stderr)");
        }
        err.println("run " + last.id() + " " + last.state().wireName() + " in "
                + format(Duration.between(began, clock.instant())));
        err.flush();
    }

    private void stop() {
        stopped = true;
        Thread t = painter;
        if (t != null) {
            t.interrupt();
        }
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        return s < 3600
                ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    @Override
    public void close() {
        stop();
    }
}
