package io.gyre.api;

import java.util.List;
import java.util.stream.Collectors;

/** A typed parameter value. {@link #render()} is the text a task sees in its environment and in macros. */
public sealed interface ParamValue {
    ParamType type();

    String render();

    record Text(String value) implements ParamValue {
        @Override
        public ParamType type() {
            return ParamType.STRING;
        }

        @Override
        public String render() {
            return value;
        }
    }

    record Int(long value) implements ParamValue {
        @Override
        public ParamType type() {
            return ParamType.INT;
        }

        @Override
        public String render() {
            return Long.toString(value);
        }
    }

    record Float(double value) implements ParamValue {
        @Override
        public ParamType type() {
            return ParamType.FLOAT;
        }

        @Override
        public String render() {
            return Double.toString(value);
        }
    }

    record Bool(boolean value) implements ParamValue {
        @Override
        public ParamType type() {
            return ParamType.BOOL;
        }

        @Override
        public String render() {
            return Boolean.toString(value);
        }
    }

    /** A list renders as its items joined by commas. */
    record Items(List<String> values) implements ParamValue {
        public Items {
            values = List.copyOf(values);
        }

        @Override
        public ParamType type() {
            return ParamType.LIST;
        }

        @Override
        public String render() {
            return values.stream().collect(Collectors.joining(","));
        }
    }
}
