package io.gyre.api;

/** A run, task or other named thing does not exist. */
public final class NotFoundException extends GyreException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String what) {
        super(what + " does not exist");
    }
}
