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
    try (Runner runner = Runner.inline();
        Scope scope = Scope.open(runner)) {
      self.set(scope);
      scope.fork(
          "forker", () -> java.util.Objects.requireNonNull(self.get()).fork("late", () -> 1));
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      // A body is never the owner, even on the owner's thread: refused as on every other runner.
      WrongThreadException cause = assertInstanceOf(WrongThreadException.class, e.getCause());
      assertEquals(
          "only the thread that opened a scope may fork it, and not from one of its tasks: task 'forker' runs on"
              + " inline on the owner's own thread "
              + describe(Thread.currentThread())
              + ", and fork was called from its body",
          cause.getMessage());
    }
  }

  private static String describe(Thread t) {
    return (t.isVirtual() ? "virtual thread '" : "thread '")
        + t.getName()
        + "' (#"
        + t.threadId()
        + ")";
  }
}
