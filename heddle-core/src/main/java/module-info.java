/**
 * Heddle's core: tasks, scopes, graphs, the in-JVM runners and the errors they report.
 *
 * <p>Exports only API packages: {@code dev.heddle} for users, {@code dev.heddle.channel}
 * for channels and select, and {@code dev.heddle.spi} for runner implementations. The
 * engine lives in {@code dev.heddle.internal}, which is not exported. The module has no
 * runtime dependencies beyond the JDK: it reads {@code jdk.jfr} for its flight recorder
 * events and checks, and {@code java.management} for the CPU time of threads.
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
  // Helpers with one home for Heddle's own modules: messages' words, cycles (ADR 9). Not an API.
  exports dev.heddle.internal.support to dev.heddle.process;
}
