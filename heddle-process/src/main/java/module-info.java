/**
 * Heddle's worker-process runner: task bodies run in a pool of warm worker JVMs, so that a
 * crash, an out-of-memory error or a stuck task takes down one worker, not the program.
 *
 * <p>Exports {@code dev.heddle.process}: the runner, its exceptions and, package-private, the
 * pool of workers that implements it. The wire protocol, what crosses the boundary and how
 * ({@code Transfer}) and the worker's entry point live in {@code dev.heddle.process.internal},
 * which {@code dev.heddle.process} uses and which uses nothing of it; it is exported only to
 * {@code dev.heddle.hazelcast}, whose cluster runner sends tasks and failures the same way.
 */
module dev.heddle.process {
  requires transitive dev.heddle.core;
  requires jdk.net;
  requires static org.jspecify;
  requires static com.google.errorprone.annotations;

  exports dev.heddle.process;
  // The cluster runner reads and writes what crosses a boundary the same way (allow-list, failures
  // as text).
  exports dev.heddle.process.internal to
      dev.heddle.hazelcast;
}
