package dev.heddle.bench.process;

/** A main that returns at once: one JVM start and exit, the baseline of {@link PoolStartup}. */
public final class ExitMain {
  private ExitMain() {}

  public static void main(String[] args) {}
}
