package io.gyre.api;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A run as the store holds it. {@code version} increases by one with every write (optimistic concurrency).
 *
 * @param context the run's resolved context (params, flow context and overrides), small metadata only
 */
public record RunRecord(
        RunId id,
        String flow,
        RunState state,
        long version,
        Instant createdAt,
        @Nullable Instant endedAt,
        Map<String, String> context) {
    public RunRecord {
        context = Map.copyOf(context);
    }

    public RunRecord withState(RunState next, @Nullable Instant ended) {
        return new RunRecord(id, flow, next, version, createdAt, ended, context);
    }

    public RunRecord withVersion(long v) {
        return new RunRecord(id, flow, state, v, createdAt, endedAt, context);
    }

    public Optional<Instant> ended() {
        return Optional.ofNullable(endedAt);
    }
}
