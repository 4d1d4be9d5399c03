/**
 * A runner whose task bodies run in worker processes: {@link dev.heddle.process.ProcessRunner}.
 *
 * <p>What crosses the boundary, how failures come back and what each crash message means is
 * described in {@code docs/guide/processes.md}.
 */
@NullMarked
package dev.heddle.process;

import org.jspecify.annotations.NullMarked;
