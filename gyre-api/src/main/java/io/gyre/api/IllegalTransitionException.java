package io.gyre.api;

/** A state change that the transition table does not allow. This is always a bug, never user error. */
public final class IllegalTransitionException extends GyreException {
    private static final long serialVersionUID = 1L;

    public IllegalTransitionException(String machine, Enum<?> from, Enum<?> to) {
        super(machine + ": no transition from " + from + " to " + to);
    }
}
