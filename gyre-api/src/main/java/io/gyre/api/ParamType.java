package io.gyre.api;

import java.util.Locale;

/** The types a flow parameter may declare. */
public enum ParamType {
    STRING,
    INT,
    FLOAT,
    BOOL,
    LIST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
