/**
 * Gyre's model and service-provider interfaces.
 *
 * <p>Everything here is a value (a record or an enum), a closed set (a sealed interface) or a narrow SPI. The
 * engine in {@code gyre-core} and every adapter ({@code gyre-redis}, {@code gyre-hpc}, ...) depend on this
 * package only, never on each other.
 */
@NullMarked
package io.gyre.api;

import org.jspecify.annotations.NullMarked;
