/** A package whose default may block but leaves out what an interrupt does to its wait. */
@Concurrency(
    blocking = Blocking.MAY,
    pinning = Pinning.NEVER,
    callers = Callers.ANY_THREAD,
    workload = Workload.IO)
package dev.heddle.architecture.planted.baddefault;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics.Blocking;
import dev.heddle.contract.Semantics.Callers;
import dev.heddle.contract.Semantics.Pinning;
import dev.heddle.contract.Semantics.Workload;
