package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heddle.contract.Semantics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task body that runs on its scope's owner thread (inline) is not the owner: it may open
 * and use a nested scope of its own, but not fork, join or close an outer one, however deep.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OwnerThreadBodyTest {

  private static final Task TRIVIAL = Task.named("t").semantics(Semantics.TRIVIAL);

  @Test
  void bodyOnTheOwnersThread_usesANestedScope_butCannotTouchTheOuterOne()
      throws InterruptedException {
    try (Runner inline = Runner.inline();
        Scope outer = Scope.open(inline)) {
      Scope[] outerRef = {outer}; // captured by reference: the strict transfer check is off here
      Handle<String> a =
          outer.fork(
              Task.named("a").semantics(Semantics.TRIVIAL),
              () -> {
                try (Scope nested = Scope.open(inline)) {
                  Handle<Integer> x = nested.fork(TRIVIAL, () -> 20);
                  Handle<String> deep =
                      nested.fork(
                          Task.named("deep").semantics(Semantics.TRIVIAL),
                          x,
                          v -> {
                            try {
                              outerRef[0].fork(TRIVIAL, () -> 1);
                              return "outer fork returned";
                            } catch (WrongThreadException e) {
                              return String.valueOf(e.getMessage());
                            }
                          });
                  nested.join();
                  return x.get() + 1 + " / " + deep.get();
                }
              });
      outer.join();
      assertEquals(
          "21 / only the thread that opened a scope may fork it, and not from one of its tasks: task 'a' runs on"
              + " inline on the owner's own thread "
              + describe(Thread.currentThread())
              + ", and fork was called from its body",
          a.get());
    }
  }

  @Test
  void afterItsBodiesHaveRun_theOwnerMayCloseTheScope() throws InterruptedException {
    try (Runner inline = Runner.inline();
        Scope scope = Scope.open(inline)) {
      Handle<Integer> a = scope.fork(TRIVIAL, () -> 1);
      scope.join();
      assertEquals(1, a.get());
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
