package io.gyre.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code run:} script after macro expansion: every macro became a reference to a generated variable
 * ({@code ${GYRE_M_1}}, ...) and {@code env} holds those variables' values, which the executor adds to the task's
 * environment. Values reach bash as data, never as code.
 */
public record ShellScript(String script, Map<String, String> env) {
    public ShellScript {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }
}
