package io.gyre.api;

/**
 * Why an attempt failed, as data.
 *
 * @param type a short machine-readable kind: {@code exit}, {@code timeout}, {@code spawn}, {@code exception}, ...
 * @param message what happened, for a person
 * @param retryable whether the retry policy may try again
 */
public record Failure(String type, String message, boolean retryable) {
    public static Failure exit(int code) {
        return new Failure("exit", "exited with code " + code, true);
    }

    public static Failure timeout(java.time.Duration after) {
        return new Failure("timeout", "timed out after " + after + "; the process tree was killed", true);
    }
}
