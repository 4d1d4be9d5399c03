/**
 * Heddle's test kit: the runner conformance suite that every runner passes, a manual clock,
 * cross-process gates for coordinating task bodies, and leak checks.
 */
module dev.heddle.testing {
  requires transitive dev.heddle.core;
  requires transitive org.junit.jupiter.api;
  requires jdk.management;
  requires static org.jspecify;

  exports dev.heddle.testing;

  opens dev.heddle.testing to
      org.junit.platform.commons;
}
