/**
 * Heddle's core: tasks, scopes, graphs, the in-JVM runners and the errors they report.
 *
 * <p>It has three packages, all exported: {@code dev.heddle} for users, {@code
 * dev.heddle.channel} for channels and select, and {@code dev.heddle.spi} for runner
 * implementations. The engine (a scope's execution and its task nodes), the in-JVM runners
 * and the run-time semantics checks are package-private classes of {@code dev.heddle}, beside
 * the API they serve, so no package needs to be hidden. Dependencies between the packages go
 * one way: {@code dev.heddle} uses {@code dev.heddle.channel} (a scope's timers) and {@code
 * dev.heddle.spi} (the engine drives runners through it); those two use only the vocabulary
 * every package speaks, {@code Concurrency}, {@code Semantics} and {@code TimeSource}, which
 * depend on nothing else of Heddle's. The module has no runtime dependencies beyond the JDK:
 * it reads {@code jdk.jfr} for its flight recorder events and checks, and {@code
 * java.management} for the CPU time of threads.
 */
module dev.heddle.core {
  requires static org.jspecify;
  requires static com.google.errorprone.annotations;
  requires static org.jetbrains.annotations;
  requires java.management;
  requires jdk.jfr;

  exports dev.heddle;
  exports dev.heddle.spi;
  exports dev.heddle.channel;
}
