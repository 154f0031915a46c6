package io.gyre.cli;

import io.gyre.api.GyreException;
import io.gyre.api.TaskId;
import io.gyre.core.InvalidInputException;
import java.util.List;

/** Task ids typed on the command line. */
final class TaskIds {
    private TaskIds() {}

    static TaskId parse(String text) {
        try {
            return TaskId.of(text);
        } catch (GyreException e) {
            throw new InvalidInputException(List.of(e.getMessage()));
        }
    }
}
