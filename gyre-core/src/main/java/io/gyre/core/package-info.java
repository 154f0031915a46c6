/** See the module's description in its pom and docs/ARCHITECTURE.md. */
@NullMarked
package io.gyre.core;

import org.jspecify.annotations.NullMarked;
