package io.gyre.api;

import java.util.List;

/** What a task does when it runs. */
public sealed interface Action {
    /** A bash script ({@code run:}); parameters reach it as environment variables, never spliced into code. */
    record Shell(String script) implements Action {}

    /** An argv list executed without a shell ({@code command:}). */
    record Command(List<String> argv) implements Action {
        public Command {
            argv = List.copyOf(argv);
            if (argv.isEmpty()) {
                throw new GyreException("a command needs at least the program to run");
            }
        }
    }

    /** A Java task registered by name with the in-process executor (for embedding and benchmarks). */
    record Java(String name) implements Action {}
}
