package io.gyre.cli;

/** The exit codes of every gyre command. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int INVALID = 2;
    static final int INTERNAL = 70;
    static final int CANCELLED = 130;

    private ExitCodes() {}
}
