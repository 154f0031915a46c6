package io.gyre.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A state machine defined as data: one transition table. {@link #require} throws on any edge not in the table.
 *
 * <p>Observers can be attached to record which transitions were taken; the test suite uses this to fail when a
 * transition in the table was never exercised, and to render the table as a diagram into {@code docs/}.
 */
public final class StateMachine<S extends Enum<S>> {
    private final String name;
    private final List<Transition<S>> table;
    private final Map<S, Map<S, Transition<S>>> index;
    private final Set<S> terminal;
    private final List<Consumer<Transition<S>>> observers = new CopyOnWriteArrayList<>();

    private StateMachine(String name, Class<S> type, List<Transition<S>> table) {
        this.name = name;
        this.table = List.copyOf(table);
        this.index = new EnumMap<>(type);
        for (Transition<S> t : table) {
            Map<S, Transition<S>> out = index.computeIfAbsent(t.from(), k -> new EnumMap<>(type));
            if (out.put(t.to(), t) != null) {
                throw new IllegalArgumentException(name + ": duplicate transition " + t.from() + " -> " + t.to());
            }
        }
        EnumSet<S> ends = EnumSet.allOf(type);
        for (Transition<S> t : table) {
            ends.remove(t.from());
        }
        this.terminal = Collections.unmodifiableSet(ends);
    }

    /** Builds a machine from its table; each row is {@code from, to, trigger}. */
    public static <S extends Enum<S>> StateMachine<S> of(String name, Class<S> type, List<Transition<S>> table) {
        return new StateMachine<>(name, type, table);
    }

    public String name() {
        return name;
    }

    public List<Transition<S>> transitions() {
        return table;
    }

    public boolean allows(S from, S to) {
        Map<S, Transition<S>> out = index.get(from);
        return out != null && out.containsKey(to);
    }

    /**
     * Checks that {@code from -> to} is in the table and tells the observers about it.
     *
     * @throws IllegalTransitionException when it is not
     */
    public Transition<S> require(S from, S to) {
        Map<S, Transition<S>> out = index.get(from);
        Transition<S> t = out == null ? null : out.get(to);
        if (t == null) {
            throw new IllegalTransitionException(name, from, to);
        }
        for (Consumer<Transition<S>> o : observers) {
            o.accept(t);
        }
        return t;
    }

    /** States no transition leaves, except a resume (tables list resume edges explicitly). */
    public Set<S> statesWithoutExit() {
        return terminal;
    }

    /** Adds an observer of every transition taken; returns a handle that removes it. */
    public AutoCloseable observe(Consumer<Transition<S>> observer) {
        observers.add(observer);
        return () -> observers.remove(observer);
    }

    /** The table as a Mermaid state diagram. */
    public String toMermaid() {
        List<String> lines = new ArrayList<>();
        lines.add("stateDiagram-v2");
        for (Transition<S> t : table) {
            lines.add("    " + t.from() + " --> " + t.to() + " : " + t.trigger());
        }
        return String.join("\n", lines) + "\n";
    }
}
