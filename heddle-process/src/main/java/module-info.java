/**
 * Heddle's worker-process runner: task bodies run in a pool of warm worker JVMs, so that a
 * crash, an out-of-memory error or a stuck task takes down one worker, not the program.
 *
 * <p>Exports only {@code dev.heddle.process}; the protocol, the pool and the worker's entry
 * point live in {@code dev.heddle.process.internal}, which is not exported.
 */
module dev.heddle.process {
  requires transitive dev.heddle.core;
  requires jdk.net;
  requires static org.jspecify;
  requires static com.google.errorprone.annotations;
  requires static org.jetbrains.annotations;

  exports dev.heddle.process;
  // The cluster runner reads and writes what crosses a boundary the same way (allow-list, failures as text).
  exports dev.heddle.process.internal to dev.heddle.hazelcast;
}
