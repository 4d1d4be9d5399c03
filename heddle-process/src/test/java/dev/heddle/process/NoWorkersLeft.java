package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test (and after its own {@code @AfterEach} methods, which close runners), fails
 * if a worker process of this JVM is still alive after a short grace.
 */
final class NoWorkersLeft implements AfterEachCallback {

  private static final Duration GRACE = Duration.ofSeconds(10);

  @Override
  public void afterEach(ExtensionContext context) {
    long deadline = System.nanoTime() + GRACE.toNanos();
    for (ProcessHandle worker : workers()) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        worker.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // still alive: reported below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<ProcessHandle> left = workers();
    if (!left.isEmpty()) {
      left.forEach(ProcessHandle::destroyForcibly);
      fail(
          "worker processes still alive "
              + GRACE.toSeconds()
              + "s after the test: "
              + left.stream()
                  .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                  .toList());
    }
  }

  static List<ProcessHandle> workers() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .orElse("")
                    .contains("dev.heddle.process.internal.WorkerMain"))
        .toList();
  }
}
