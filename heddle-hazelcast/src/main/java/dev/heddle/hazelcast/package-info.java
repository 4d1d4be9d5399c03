/**
 * A runner whose task bodies run on the members of a Hazelcast cluster: {@link
 * dev.heddle.hazelcast.ClusterRunner}, and the members that run them: {@link
 * dev.heddle.hazelcast.ClusterMember}.
 *
 * <p>How to start members, what is secured and what is not, and what each failure means are
 * described in {@code docs/guide/cluster.md}.
 */
@NullMarked
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.TRIVIAL)
package dev.heddle.hazelcast;

import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import org.jspecify.annotations.NullMarked;
