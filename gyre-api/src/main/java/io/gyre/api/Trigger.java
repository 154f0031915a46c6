package io.gyre.api;

import java.util.Locale;

/** When a task runs relative to the outcome of its needs ({@code when:}). */
public enum Trigger {
    /** Only when every need succeeded (the default). */
    SUCCESS,
    /** Once every need has finished, whatever its outcome: for collect and cleanup tasks. */
    ALWAYS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
