package io.gyre.api;

/** Identifies a task within a flow and its run (also a task instance such as {@code train[0001]}). */
public record TaskId(String value) implements Comparable<TaskId> {
    public TaskId {
        Names.require("a task id", value);
    }

    public static TaskId of(String value) {
        return new TaskId(value);
    }

    @Override
    public int compareTo(TaskId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
