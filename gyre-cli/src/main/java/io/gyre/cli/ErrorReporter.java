package io.gyre.cli;

import io.gyre.api.GyreException;
import io.gyre.core.InvalidFlowException;
import io.gyre.core.InvalidInputException;
import io.gyre.core.Problem;
import io.gyre.core.RunAbortedException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions into messages and exit codes. A user's mistake gets what is wrong, where and what to do,
 * and exit code 2, never a stack trace; only a bug in Gyre prints one.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("gyre: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Run '" + cli.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCodes.INVALID;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parsed) {
        PrintWriter err = cli.getErr();
        int code = report(ex, err);
        err.flush();
        return code;
    }

    static int report(Exception ex, PrintWriter err) {
        switch (ex) {
            case InvalidFlowException invalid -> {
                for (Problem p : invalid.problems()) {
                    err.println(p);
                }
                err.println(
                        invalid.problems().size() == 1
                                ? "1 problem; nothing was started."
                                : invalid.problems().size() + " problems; nothing was started.");
                return ExitCodes.INVALID;
            }
            case InvalidInputException invalid -> {
                for (String p : invalid.problems()) {
                    err.println("gyre: " + p);
                }
                err.println("nothing was started.");
                return ExitCodes.INVALID;
            }
            case RunAbortedException aborted -> {
                err.println("gyre: internal error: " + aborted.getMessage());
                err.println(
                        "gyre: the run directory is consistent up to the last event; 'gyre run --resume' continues it."
                                + " Please report this with the trace below.");
                aborted.printStackTrace(err);
                return ExitCodes.INTERNAL;
            }
            case GyreException user -> {
                err.println("gyre: " + user.getMessage());
                return ExitCodes.INVALID;
            }
            default -> {
                err.println("gyre: internal error (this is a bug in Gyre; please report it with the trace below)");
                ex.printStackTrace(err);
                return ExitCodes.INTERNAL;
            }
        }
    }
}
