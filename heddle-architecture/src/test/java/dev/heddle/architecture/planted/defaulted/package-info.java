/**
 * A package that states its default contract once: its public types and their members
 * carry a contract only where it differs.
 */
@Concurrency(blocking = Blocking.NEVER, callers = Callers.ANY_THREAD, workload = Workload.TRIVIAL)
package dev.heddle.architecture.planted.defaulted;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics.Blocking;
import dev.heddle.contract.Semantics.Callers;
import dev.heddle.contract.Semantics.Workload;
