package io.gyre.core;

import io.gyre.api.Executor;
import io.gyre.api.JavaTask;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The executors that ship with the core: local processes, in-process Java tasks, and a router that picks the
 * first executor able to run an action. The contract they share is in docs/executors.md.
 */
public final class Executors {
    /** How long a cancelled process tree gets between SIGTERM and SIGKILL unless told otherwise. */
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);

    private Executors() {}

    /**
     * Runs {@link io.gyre.api.Action.Shell} scripts with {@code bash --noprofile --norc -eo pipefail -c} and
     * {@link io.gyre.api.Action.Command} argv lists directly, as local child processes. A cancelled attempt's
     * whole process tree gets SIGTERM, then SIGKILL after {@link #DEFAULT_KILL_GRACE}.
     */
    public static Executor localProcess() {
        return localProcess(DEFAULT_KILL_GRACE);
    }

    /**
     * Like {@link #localProcess()}, with the time a cancelled process tree gets between SIGTERM and SIGKILL.
     *
     * @param killGrace zero or positive; zero sends SIGKILL right after SIGTERM
     */
    public static Executor localProcess(Duration killGrace) {
        return new LocalProcessExecutor(System.getenv(), killGrace);
    }

    /**
     * Runs {@link io.gyre.api.Action.Java} tasks on the calling thread, looked up by name in {@code tasks}
     * (copied).
     */
    public static Executor inProcess(Map<String, JavaTask> tasks) {
        return new InProcessExecutor(tasks);
    }

    /**
     * Hands each action to the first of {@code executors} (copied, in order) that {@linkplain
     * Executor#supports supports} it; an action none supports fails with type {@code no-executor}.
     */
    public static Executor routing(List<Executor> executors) {
        return new RoutingExecutor(executors);
    }
}
