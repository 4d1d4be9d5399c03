/** Heddle's engine and the in-JVM runners. Not exported; not an API. */
@NullMarked
package dev.heddle.internal;

import org.jspecify.annotations.NullMarked;
