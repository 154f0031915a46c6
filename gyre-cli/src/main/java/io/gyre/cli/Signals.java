package io.gyre.cli;

import sun.misc.Signal;

/**
 * Ctrl-C and SIGTERM cancel the run gracefully (running tasks are terminated and their states recorded); a second
 * signal exits at once.
 */
final class Signals {
    private Signals() {}

    @SuppressWarnings("restriction")
    static void onInterrupt(Runnable cancel) {
        Runnable[] handled = {null};
        sun.misc.SignalHandler handler = sig -> {
            synchronized (handled) {
                if (handled[0] != null) {
                    Runtime.getRuntime().halt(ExitCodes.CANCELLED);
                }
                handled[0] = cancel;
            }
            System.err.println("\ngyre: cancelling (press Ctrl-C again to exit at once)");
            cancel.run();
        };
        Signal.handle(new Signal("INT"), handler);
        Signal.handle(new Signal("TERM"), handler);
    }
}
