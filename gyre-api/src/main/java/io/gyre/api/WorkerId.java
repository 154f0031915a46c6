package io.gyre.api;

/** Identifies one worker process. */
public record WorkerId(String value) implements Comparable<WorkerId> {
    public WorkerId {
        Names.require("a worker id", value);
    }

    public static WorkerId of(String value) {
        return new WorkerId(value);
    }

    @Override
    public int compareTo(WorkerId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
