package io.gyre.cli;

import io.gyre.api.GyreException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * {@code --lease-ttl}: how long a process that stops heartbeating keeps what it holds. For a worker, the lease of
 * each running attempt (renewed every third of it; when it lapses the attempt returns to its queue with the attempt
 * counted); for an orchestrator, its membership (when it lapses, the survivors adopt its runs).
 */
final class LivenessOptions {
    static final Duration DEFAULT = Duration.ofSeconds(10);
    private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");

    @Option(
            names = "--lease-ttl",
            paramLabel = "DURATION",
            description = "How long a silent process keeps its task leases (workers) or its runs (orchestrators) "
                    + "before others take them over, e.g. 10s, 2s, 500ms (default: 10s).")
    String leaseTtl = "10s";

    Duration ttl() {
        return parse(leaseTtl);
    }

    static Duration parse(String text) {
        Matcher m = TEXT.matcher(text.strip());
        if (!m.matches()) {
            throw new GyreException("--lease-ttl '" + text + "' is not a duration; write it as 10s, 2s or 500ms");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long millis = Math.round(
                switch (unit) {
                    case "ms" -> n;
                    case "m" -> n * 60_000;
                    default -> n * 1000;
                });
        if (millis < 30) {
            throw new GyreException("--lease-ttl must be at least 30ms, not " + text);
        }
        return Duration.ofMillis(millis);
    }
}
