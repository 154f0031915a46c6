package io.gyre.api;

/** A task written in Java, run in-process by name ({@link Action.Java}). */
@FunctionalInterface
public interface JavaTask {
    /**
     * Runs one attempt. Throwing marks the attempt failed (retryable) with the exception's message.
     *
     * @param launch the attempt's identity, environment and files
     * @param cancel fires when the attempt should stop
     */
    TaskOutcome run(TaskLaunch launch, Cancellation cancel);
}
