package io.gyre.api;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A declared flow parameter. A parameter with no default is required unless declared otherwise.
 */
public record ParamSpec(
        String name, ParamType type, @Nullable ParamValue defaultValue, boolean required, String description) {
    public ParamSpec {
        if (defaultValue != null && defaultValue.type() != type) {
            throw new GyreException("parameter '" + name + "' is " + type.wireName() + " but its default is "
                    + defaultValue.type().wireName());
        }
    }

    public Optional<ParamValue> defaultOf() {
        return Optional.ofNullable(defaultValue);
    }
}
