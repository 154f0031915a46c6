package io.gyre.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the human quantities of flow files: durations ({@code 500ms}, {@code 1h30m}, a bare number of seconds)
 * and memory sizes ({@code 4GiB}, {@code 512M}, bytes; K/M/G/T are always binary multiples). Failures throw
 * {@link IllegalArgumentException} whose message is a hint on the expected form; the caller rejects negative
 * values before calling.
 */
final class Quantities {
    private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    private static final Pattern DURATION = Pattern.compile("(?:[0-9]+(?:\\.[0-9]+)?(?:ms|s|m|h|d))+");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h|d)");
    private static final Pattern MEMORY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(?:([KMGTkmgt])(i)?)?([Bb])?");

    private Quantities() {}

    static Duration duration(String text) {
        String t = text.strip();
        if (NUMBER.matcher(t).matches()) {
            try {
                return Duration.ofNanos(new BigDecimal(t).movePointRight(9).longValueExact());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("too long, or more precise than a nanosecond", e);
            }
        }
        if (!DURATION.matcher(t).matches()) {
            throw new IllegalArgumentException("use 500ms, 10s, 5m, 1h, 1h30m or a number of seconds");
        }
        BigDecimal millis = BigDecimal.ZERO;
        Matcher m = DURATION_PART.matcher(t);
        while (m.find()) {
            BigDecimal v = new BigDecimal(m.group(1));
            long unitMillis = switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000; // "d"
            };
            millis = millis.add(v.multiply(BigDecimal.valueOf(unitMillis)));
        }
        try {
            return Duration.ofNanos(millis.movePointRight(6).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("too long, or more precise than a nanosecond", e);
        }
    }

    static long memory(String text) {
        String t = text.strip();
        Matcher m = MEMORY.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("use bytes or a number with K, M, G or T (e.g. 512M, 4GiB)");
        }
        int shift = 0;
        if (m.group(2) != null) {
            shift = 10 * (1 + "KMGT".indexOf(m.group(2).toUpperCase(Locale.ROOT)));
        }
        try {
            return new BigDecimal(m.group(1))
                    .multiply(BigDecimal.valueOf(2).pow(shift))
                    .setScale(0, java.math.RoundingMode.CEILING)
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("too large", e);
        }
    }
}
