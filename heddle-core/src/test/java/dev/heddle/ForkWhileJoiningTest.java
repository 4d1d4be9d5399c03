package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A body that runs on the owner's thread during join must not fork into the scope it runs in. */
class ForkWhileJoiningTest {

  @Test
  void fork_fromABodyRunningInJoin_isRefused() throws InterruptedException {
    AtomicReference<Scope> self = new AtomicReference<>();
    try (Runner runner = Runner.inline(); Scope scope = Scope.open(runner)) {
      self.set(scope);
      scope.fork("forker", () -> java.util.Objects.requireNonNull(self.get()).fork("late", () -> 1));
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
      assertEquals("cannot fork task 'late' while the scope is joining; fork every task before join", cause.getMessage());
    }
  }
}
