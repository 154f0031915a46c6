package io.gyre.core;

import io.gyre.api.FanOut;
import io.gyre.api.TaskId;
import java.util.List;

/**
 * The {@link FanOut} of a swept task with dynamic grid keys: its matrix as read, whose dynamic keys have no axis
 * yet. {@link FanOutExpander} inserts them when the lists have been read.
 */
record DynamicSweep(TaskId task, Matrix matrix) implements FanOut {
    @Override
    public List<Source> sources() {
        return matrix.dynamic().stream()
                .map(d -> new Source(matrix.keys().get(d.key()), TaskId.of(d.task()), d.file()))
                .toList();
    }

    @Override
    public long staticPoints() {
        return matrix.axes().isEmpty() ? 1 : SweepExpander.count(matrix).points();
    }

    @Override
    public int replicas() {
        return matrix.replicas();
    }
}
