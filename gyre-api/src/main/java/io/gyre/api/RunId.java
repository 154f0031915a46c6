package io.gyre.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.random.RandomGenerator;

/**
 * Identifies a run. Generated ids sort by creation time: {@code 20261124-013811-123-7f3a9c}.
 */
public record RunId(String value) implements Comparable<RunId> {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    public RunId {
        Names.require("a run id", value);
    }

    public static RunId of(String value) {
        return new RunId(value);
    }

    /** A new id that sorts after every id generated earlier (to the millisecond) and is unique by its suffix. */
    public static RunId generate(Instant now, RandomGenerator random) {
        return new RunId(FORMAT.format(now) + "-" + String.format("%06x", random.nextInt(1 << 24)));
    }

    @Override
    public int compareTo(RunId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
