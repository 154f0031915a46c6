package io.gyre.api;

/**
 * Runs one attempt of a task and reports how it ended. Implementations: local processes and in-process Java
 * tasks (in {@code gyre-core}); SSH, Slurm and Kubernetes in adapters.
 *
 * <p>{@link #execute} blocks its (usually virtual) thread until the attempt ends. When {@code cancel} fires, the
 * executor stops the attempt (for processes: the whole process tree) and returns
 * {@link TaskOutcome.Cancelled}, or {@link TaskOutcome.Failed} of type {@code timeout} when the reason is
 * {@link #TIMEOUT}. Problems of the task itself are outcomes, never exceptions.
 */
public interface Executor {
    /** The cancellation reason a worker uses when an attempt exceeds its timeout. */
    String TIMEOUT = "timeout";

    /** Whether this executor can run the given action. */
    boolean supports(Action action);

    TaskOutcome execute(TaskLaunch launch, Cancellation cancel);
}
