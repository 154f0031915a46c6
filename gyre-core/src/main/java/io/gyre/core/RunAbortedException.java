package io.gyre.core;

import io.gyre.api.GyreException;

/**
 * The engine stopped driving a run because of a fault inside Gyre or its store (not because of the flow or the
 * user's input). The run is left as the store has it and can be resumed.
 */
public final class RunAbortedException extends GyreException {
    private static final long serialVersionUID = 1L;

    public RunAbortedException(String message, Throwable cause) {
        super(message, cause);
    }
}
