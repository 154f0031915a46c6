package io.gyre.api;

/** One allowed edge of a state machine, with the trigger that takes it (used in docs and events). */
public record Transition<S extends Enum<S>>(S from, S to, String trigger) {}
