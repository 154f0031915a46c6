package io.gyre.api;

import java.util.List;
import java.util.Locale;

/** The lifecycle of a run. {@link #MACHINE} is the only place the allowed changes are written. */
public enum RunState {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public static final StateMachine<RunState> MACHINE = StateMachine.of(
            "run",
            RunState.class,
            List.of(
                    new Transition<>(PENDING, RUNNING, "started"),
                    new Transition<>(PENDING, CANCELLED, "cancelled"),
                    new Transition<>(RUNNING, SUCCEEDED, "all_succeeded"),
                    new Transition<>(RUNNING, FAILED, "some_failed"),
                    new Transition<>(RUNNING, CANCELLED, "cancelled"),
                    new Transition<>(FAILED, RUNNING, "resumed"),
                    new Transition<>(CANCELLED, RUNNING, "resumed")));

    public boolean isFinal() {
        return switch (this) {
            case SUCCEEDED, FAILED, CANCELLED -> true;
            case PENDING, RUNNING -> false;
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
