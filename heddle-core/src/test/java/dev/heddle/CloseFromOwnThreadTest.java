package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.contract.Semantics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A task body that closes its own runner gets a clear error instead of waiting for itself forever. */
class CloseFromOwnThreadTest {

  @ParameterizedTest
  @ValueSource(strings = {"threads", "virtual", "auto"})
  void close_fromOneOfTheRunnersOwnThreads_isRefused(String kind) throws InterruptedException {
    try (Runner runner =
            switch (kind) {
              case "threads" -> Runner.threads(2);
              case "virtual" -> Runner.virtual();
              default -> Runner.auto();
            };
        Scope scope = Scope.open(runner)) {
      scope.fork(
          Task.named("closer").semantics(Semantics.CPU),
          () -> {
            runner.close();
            return "closed";
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
      assertTrue(
          String.valueOf(cause.getMessage())
              .startsWith(
                  "runner " + runner.name() + " cannot be closed from its own thread 'heddle-"),
          cause.getMessage());
      assertEquals("closer", e.task());
    }
  }
}
