package io.gyre.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A one-shot cancellation signal shared by whoever may cancel an attempt (the run, a timeout) and the executor
 * running it. Callbacks registered after cancellation run at once.
 */
public final class Cancellation {
    private final List<Runnable> callbacks = new ArrayList<>();
    private @Nullable String reason;

    public synchronized boolean isCancelled() {
        return reason != null;
    }

    public synchronized Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /** Cancels (first reason wins) and runs the callbacks once. */
    public void cancel(String why) {
        List<Runnable> toRun;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
            toRun = List.copyOf(callbacks);
            callbacks.clear();
        }
        toRun.forEach(Runnable::run);
    }

    public void onCancel(Runnable callback) {
        synchronized (this) {
            if (reason == null) {
                callbacks.add(callback);
                return;
            }
        }
        callback.run();
    }
}
