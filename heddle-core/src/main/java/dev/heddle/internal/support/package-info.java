/**
 * Small helpers that several Heddle modules share, each with one home and one output style:
 * did-you-mean hints, durations in words, process exit statuses and signals in words, and
 * cycles among tasks that need one another.
 *
 * <p>Not an API. {@code module-info.java} exports this package only to Heddle's own modules
 * that need it, and {@code heddle-cli} (an application on the class path) reads it from the
 * core jar; see ADR 9. It depends on nothing but {@code java.base}, so it never joins a
 * package cycle.
 */
@NullMarked
package dev.heddle.internal.support;

import org.jspecify.annotations.NullMarked;
