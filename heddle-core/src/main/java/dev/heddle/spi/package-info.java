/**
 * The interface between Heddle's engine and a runner: what a runner implementation (a
 * thread pool, a pool of worker processes, a cluster) provides and what the engine hands
 * it. Users of Heddle never need this package; they pick a runner with the factories on
 * {@link dev.heddle.Runner}.
 */
@NullMarked
package dev.heddle.spi;

import org.jspecify.annotations.NullMarked;
