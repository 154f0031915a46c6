package io.gyre.core;

import io.gyre.api.GyreException;
import java.util.List;

/**
 * Parameters or overrides given at submit time ({@code -p name=value}, {@code --set KEY=value}) are wrong; every
 * problem found is listed, one message each.
 */
public final class InvalidInputException extends GyreException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // an immutable list of strings
    private final List<String> problems;

    public InvalidInputException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
