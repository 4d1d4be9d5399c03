/**
 * Heddle's core: tasks, scopes, graphs, the in-JVM runners and the errors they report.
 *
 * <p>It exports three packages: {@code dev.heddle} for users, {@code dev.heddle.channel} for
 * channels and select, and {@code dev.heddle.spi} for runner implementations. A fourth, {@code
 * dev.heddle.internal.support}, holds the helpers that Heddle's other modules share (names and
 * did-you-mean hints, durations, exit statuses, cycles among tasks); it is exported only to
 * them, is not an API, and depends on nothing but the JDK. The engine (a scope's execution and its task nodes), the in-JVM runners
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
  requires java.management;
  requires jdk.jfr;

  exports dev.heddle;
  exports dev.heddle.spi;
  exports dev.heddle.channel;
  // Helpers with one home for Heddle's own modules: messages' words, cycles (ADR 9). Not an API.
  exports dev.heddle.internal.support to
      dev.heddle.process;
}
