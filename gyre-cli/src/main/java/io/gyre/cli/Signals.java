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

    /**
     * For long-running processes (server, orchestrator, worker): the first SIGTERM or Ctrl-C counts the latch down
     * so the process shuts down gracefully and exits 0; a second one exits at once with 130.
     */
    @SuppressWarnings("restriction")
    static java.util.concurrent.CountDownLatch onStop(String what) {
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        sun.misc.SignalHandler handler = sig -> {
            if (stop.getCount() == 0) {
                Runtime.getRuntime().halt(ExitCodes.CANCELLED);
            }
            System.err.println("gyre " + what + ": stopping (signal again to exit at once)");
            stop.countDown();
        };
        Signal.handle(new Signal("INT"), handler);
        Signal.handle(new Signal("TERM"), handler);
        return stop;
    }
}
