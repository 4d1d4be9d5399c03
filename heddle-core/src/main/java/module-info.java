/**
 * Heddle's core: tasks, scopes, graphs, the in-JVM runners and the errors they report.
 *
 * <p>Exports only API packages: {@code dev.heddle} for users, {@code dev.heddle.channel}
 * for channels and select, and {@code dev.heddle.spi} for runner implementations. The engine lives in {@code dev.heddle.internal}, which is
 * not exported. The module has no runtime dependencies beyond {@code java.base}.
 */
module dev.heddle.core {
  requires static org.jspecify;
  requires static com.google.errorprone.annotations;
  requires static org.jetbrains.annotations;

  exports dev.heddle;
  exports dev.heddle.spi;
  exports dev.heddle.channel;
}
