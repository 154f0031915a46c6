package io.gyre.api;

/**
 * The root of every exception Gyre throws. Messages say what was wrong, where, and what to do about it.
 */
public class GyreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GyreException(String message) {
        super(message);
    }

    public GyreException(String message, Throwable cause) {
        super(message, cause);
    }
}
