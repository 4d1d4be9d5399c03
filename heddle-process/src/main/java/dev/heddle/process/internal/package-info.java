/** The worker-process runner's implementation: protocol, pool, worker entry point. Not exported. */
@NullMarked
package dev.heddle.process.internal;

import org.jspecify.annotations.NullMarked;
