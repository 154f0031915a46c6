package io.gyre.core;

import io.gyre.api.GyreException;
import java.util.List;
import java.util.stream.Collectors;

/** A flow file has problems; every problem found is listed, each with its file, line and column. */
public final class InvalidFlowException extends GyreException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // an immutable list of records; never serialized in practice
    private final List<Problem> problems;

    public InvalidFlowException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    /** The problems in file order. */
    public List<Problem> problems() {
        return problems;
    }
}
