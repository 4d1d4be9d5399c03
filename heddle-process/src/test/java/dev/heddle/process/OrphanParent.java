package dev.heddle.process;

import dev.heddle.Scope;
import dev.heddle.testing.Gate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * A parent JVM for {@link OrphanTest}: starts two workers, prints their pids, and keeps one
 * of them busy until it is killed.
 */
public final class OrphanParent {
  private OrphanParent() {}

  public static void main(String[] args) throws InterruptedException {
    Gate never = Gate.in(Path.of(args[0]));
    ProcessRunner runner = ProcessRunner.builder().workers(2).build();
    runner.awaitWorkers();
    printWorkers(runner);
    try (Scope scope = Scope.open(runner)) {
      scope.fork("forever", () -> never.awaitOpen(Duration.ofHours(1)));
      scope.join();
    }
  }

  /** Prints {@code workers PID PID ...}, the line the tests read the workers' pids from. */
  static void printWorkers(ProcessRunner runner) {
    System.out.println(
        "workers "
            + runner.workers().stream()
                .map(w -> Long.toString(w.pid()))
                .collect(Collectors.joining(" ")));
    System.out.flush();
  }
}
