package io.gyre.api;

/** A compare-and-set write found a newer version than the one it expected: someone else wrote first. */
public final class VersionConflictException extends GyreException {
    private static final long serialVersionUID = 1L;

    public VersionConflictException(String entity, long expected, long actual) {
        super(entity + " is at version " + actual + ", not " + expected + "; re-read it and decide again");
    }

    private VersionConflictException(String message) {
        super(message);
    }

    /** A {@link StateStore#moveTasks} batch found a task elsewhere than its move expected. */
    public static VersionConflictException moved(RunId run, TaskMove move, TaskState state, int attempts) {
        return new VersionConflictException("task " + run + "/" + move.task() + " is " + state.wireName() + " at "
                + attempts + " attempts, not " + move.from().wireName() + " at " + move.attempts()
                + " as its move expected; nothing in the batch was written: re-read the tasks and decide again");
    }
}
