package io.gyre.api;

/**
 * What a task asks of the machine that runs it.
 *
 * @param cpu cores (fractions allowed)
 * @param memoryBytes bytes of memory, 0 for unspecified
 * @param gpu number of GPUs
 */
public record Resources(double cpu, long memoryBytes, int gpu) {
    public static final Resources DEFAULT = new Resources(1, 0, 0);

    public Resources {
        if (cpu < 0 || memoryBytes < 0 || gpu < 0) {
            throw new GyreException("resources must not be negative");
        }
    }
}
