package dev.heddle.process;

import dev.heddle.Handle;
import dev.heddle.Scope;
import java.nio.file.Path;

/**
 * A parent JVM for {@link UnclosedRunnerTest}: starts a runner of two workers, runs one task
 * on it, prints the workers' pids, and then leaves {@code main} without closing the runner:
 * by throwing when its first argument is {@code throw}, else by returning. Its workers log
 * to the directory named by the second argument, so that the test's own directory holds what
 * the unclosed runner leaves.
 */
public final class UnclosedParent {
  private UnclosedParent() {}

  public static void main(String[] args) throws InterruptedException {
    ProcessRunner runner =
        ProcessRunner.builder().workers(2).logDirectory(Path.of(args[1])).build();
    runner.awaitWorkers();
    try (Scope scope = Scope.open(runner)) {
      Handle<Integer> one = scope.fork("one", () -> 1);
      scope.join();
      System.out.println("result " + one.get());
    }
    OrphanParent.printWorkers(runner);
    if (args[0].equals("throw")) {
      throw new IllegalStateException("main failed before it closed the runner");
    }
  }
}
