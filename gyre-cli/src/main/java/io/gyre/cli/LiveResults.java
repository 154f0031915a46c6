package io.gyre.cli;

import io.gyre.api.EventListener;
import io.gyre.api.Executor;
import io.gyre.api.Flow;
import io.gyre.api.RunId;
import io.gyre.api.StateStore;
import io.gyre.api.TaskId;
import io.gyre.core.FlowLoader;
import io.gyre.core.ObjectStores;
import io.gyre.core.RunDirectory;
import io.gyre.core.TaskStatus;
import io.gyre.results.MergedResult;
import io.gyre.results.ResultsExecutor;
import io.gyre.results.ResultsView;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The results side of a local run: every attempt gets {@code $GYRE_RESULTS_DIR}, what tasks publish there is
 * stored in the run directory and merged live; closing writes the final merged files.
 */
final class LiveResults implements AutoCloseable {
    private final Path runDir;
    private final PrintWriter err;
    private final ResultsView view;
    private final InstantSource clock;
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "gyre-results-inbox");
        t.setDaemon(true);
        return t;
    });
    private @org.jspecify.annotations.Nullable ResultsExecutor executor;
    private boolean closed;

    private LiveResults(Path runDir, ResultsView view, InstantSource clock, PrintWriter err) {
        this.err = err;
        this.runDir = runDir;
        this.view = view;
        this.clock = clock;
    }

    /** For a new run that will be created in {@code runsDir/<id>}. */
    static LiveResults forNew(RunId id, Flow flow, Path runsDir, InstantSource clock, PrintWriter err) {
        Path dir = runsDir.resolve(id.value());
        return new LiveResults(dir, ResultsView.start(id, flow, ObjectStores.directory(dir)), clock, err);
    }

    /** For a run being resumed: the merge starts from the snapshots of the tasks that had not failed. */
    static LiveResults forResume(Path runDir, InstantSource clock, PrintWriter err) {
        RunDirectory dir = RunDirectory.open(runDir);
        Flow flow = FlowLoader.parse(
                dir.flowText(), runDir.resolve(RunDirectory.FLOW).toString());
        Set<TaskId> contributing = dir.readStatuses().stream()
                .filter(s -> !s.state().equals("failed"))
                .map(TaskStatus::id)
                .map(TaskId::of)
                .collect(Collectors.toSet());
        RunId id = dir.readRun().runId();
        return new LiveResults(
                runDir, ResultsView.resume(id, flow, ObjectStores.directory(runDir), contributing), clock, err);
    }

    /** The run's executor: {@code base}, with a results directory for every attempt. */
    Function<StateStore, Executor> executor(Executor base) {
        return store -> {
            ResultsExecutor e = new ResultsExecutor(base, store, run -> ObjectStores.directory(runDir), clock, timers);
            this.executor = e;
            return e;
        };
    }

    EventListener listener() {
        return view;
    }

    List<MergedResult> current() {
        return view.current();
    }

    Path directory() {
        return runDir.resolve("results");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            view.close();
        } catch (RuntimeException e) {
            // The run itself is fine; its merged files could not be written (a full disk): say so, keep its outcome.
            err.println("gyre: the merged results could not be written: " + e.getMessage()
                    + " (the snapshots are kept in " + directory() + "/snapshots)");
            err.flush();
        } finally {
            ResultsExecutor e = executor;
            if (e != null) {
                e.close();
            }
            timers.shutdownNow();
        }
    }
}
