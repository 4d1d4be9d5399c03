/** A package whose default may block but leaves out what an interrupt does to its wait. */
@Concurrency(
    blocking = Blocking.MAY,
    pinning = Pinning.NEVER,
    callers = Callers.ANY_THREAD,
    workload = Workload.IO)
package dev.heddle.architecture.planted.baddefault;

import dev.heddle.Concurrency;
import dev.heddle.Semantics.Blocking;
import dev.heddle.Semantics.Callers;
import dev.heddle.Semantics.Pinning;
import dev.heddle.Semantics.Workload;
