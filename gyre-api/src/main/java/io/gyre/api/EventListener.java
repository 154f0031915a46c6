package io.gyre.api;

/** Receives a run's events in sequence order. Must be quick: it runs on the appending thread. */
@FunctionalInterface
public interface EventListener {
    void onEvent(Event event);
}
