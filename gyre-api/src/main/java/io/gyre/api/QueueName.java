package io.gyre.api;

/** Names a queue of work items; queues exist from first use. */
public record QueueName(String value) implements Comparable<QueueName> {
    public QueueName {
        Names.require("a queue name", value);
    }

    public static QueueName of(String value) {
        return new QueueName(value);
    }

    @Override
    public int compareTo(QueueName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
