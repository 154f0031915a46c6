package io.gyre.api;

/** A key given to an {@link ObjectStore} is not a safe relative '/'-separated path. */
public final class InvalidObjectKeyException extends GyreException {
    private static final long serialVersionUID = 1L;

    public InvalidObjectKeyException(String key, String problem) {
        super("object key '" + key + "' is not valid: " + problem);
    }
}
