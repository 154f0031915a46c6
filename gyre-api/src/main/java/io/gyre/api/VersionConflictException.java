package io.gyre.api;

/** A compare-and-set write found a newer version than the one it expected: someone else wrote first. */
public final class VersionConflictException extends GyreException {
    private static final long serialVersionUID = 1L;

    public VersionConflictException(String entity, long expected, long actual) {
        super(entity + " is at version " + actual + ", not " + expected + "; re-read it and decide again");
    }
}
