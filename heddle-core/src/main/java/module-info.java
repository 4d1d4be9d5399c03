/**
 * Heddle's core: tasks, scopes, graphs, the in-JVM runners and the errors they report.
 *
 * <p>It exports five packages: {@code dev.heddle} for users, {@code dev.heddle.channel} for
 * channels and select, {@code dev.heddle.spi} for runner implementations, and the two every
 * other package speaks: {@code dev.heddle.contract} (what code does: {@code Semantics} and the
 * {@code @Concurrency} contract) and {@code dev.heddle.time} (the clock, {@code TimeSource}).
 * A sixth, {@code dev.heddle.internal.support}, holds the helpers that Heddle's other modules
 * share (names and did-you-mean hints, durations, exit statuses, cycles among tasks); it is
 * exported only to them, is not an API, and depends on nothing but the JDK. The engine (a
 * scope's execution and its task nodes), the in-JVM runners and the run-time semantics checks
 * are package-private classes of {@code dev.heddle}, beside the API they serve, so no package
 * needs to be hidden. Dependencies between the packages go one way, with no exception:
 * {@code dev.heddle} uses {@code dev.heddle.channel} (a scope's timers) and {@code
 * dev.heddle.spi} (the engine drives runners through it); all three use {@code
 * dev.heddle.time}, which uses {@code dev.heddle.contract}, which uses nothing of Heddle's. The
 * module has no runtime dependencies beyond the JDK: it reads {@code jdk.jfr} for its flight
 * recorder events and checks, and {@code java.management} for the CPU time of threads.
 */
module dev.heddle.core {
  requires static org.jspecify;
  requires static com.google.errorprone.annotations;
  requires java.management;
  requires jdk.jfr;

  exports dev.heddle;
  exports dev.heddle.contract;
  exports dev.heddle.time;
  exports dev.heddle.spi;
  exports dev.heddle.channel;
  // Helpers with one home for Heddle's own modules: messages' words, cycles (ADR 9). Not an API.
  exports dev.heddle.internal.support to
      dev.heddle.process;
}
