package io.gyre.api;

/** Identifies one orchestrator process among those sharing a store. */
public record OrchestratorId(String value) implements Comparable<OrchestratorId> {
    public OrchestratorId {
        Names.require("an orchestrator id", value);
    }

    public static OrchestratorId of(String value) {
        return new OrchestratorId(value);
    }

    @Override
    public int compareTo(OrchestratorId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
