package io.gyre.core;

import io.gyre.api.GyreException;

/**
 * A macro is malformed ({@code ${RANDOM:x}}, an unterminated {@code ${}) or cannot be resolved (an unknown
 * {@code ${ctx.KEY}} at expansion time). The engine turns it into a failure of the task that holds the macro.
 */
public final class MacroException extends GyreException {
    private static final long serialVersionUID = 1L;

    private final int offset;

    MacroException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    /** Where in the text the offending macro starts (0-based). */
    public int offset() {
        return offset;
    }
}
