package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Only the owner may join or close a scope; another thread is told whose scope it is and who it is. */
@Timeout(60)
class WrongThreadTest {

  private final Runner runner = Runner.threads(2);

  @AfterEach
  void closeRunner() {
    runner.close();
  }

  private interface ScopeCall {
    void call(Scope scope) throws InterruptedException;
  }

  /** Runs {@code call} on a new thread; returns what it threw, and the thread. */
  private static Thread callFrom(
      Thread.Builder builder,
      Scope scope,
      ScopeCall call,
      AtomicReference<@Nullable Throwable> thrown)
      throws InterruptedException {
    Thread t =
        builder.start(
            () -> {
              try {
                call.call(scope);
              } catch (InterruptedException e) {
                thrown.set(e);
                Thread.currentThread().interrupt();
              } catch (RuntimeException | Error e) {
                thrown.set(e);
              }
            });
    t.join();
    return t;
  }

  private static String describe(Thread t) {
    return (t.isVirtual() ? "virtual thread '" : "thread '")
        + t.getName()
        + "' (#"
        + t.threadId()
        + ")";
  }

  @Test
  void join_fromAThreadThatIsNotTheOwner_isRefused_namingBothThreads() throws InterruptedException {
    Thread owner = Thread.currentThread();
    try (Scope scope = Scope.open(runner)) {
      Handle<Integer> a = scope.fork("a", () -> 1);
      AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
      Thread intruder = callFrom(Thread.ofPlatform().name("intruder"), scope, Scope::join, thrown);
      WrongThreadException e = assertInstanceOf(WrongThreadException.class, thrown.get());
      String m = String.valueOf(e.getMessage());
      assertEquals(
          "only the thread that opened a scope may join it; the scope belongs to "
              + describe(owner)
              + ", and join was called from "
              + describe(intruder),
          m);
      assertTrue(m.contains("'intruder'") && m.contains("'" + owner.getName() + "'"), m);
      // The refused join did not count: the owner can still join.
      scope.join();
      assertEquals(1, a.get());
    }
  }

  @Test
  void join_fromAVirtualThread_isRefused_sayingItIsVirtual() throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      scope.fork("a", () -> 1);
      AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
      Thread intruder =
          callFrom(Thread.ofVirtual().name("virtual-intruder"), scope, Scope::join, thrown);
      WrongThreadException e = assertInstanceOf(WrongThreadException.class, thrown.get());
      assertTrue(
          String.valueOf(e.getMessage())
              .endsWith(
                  "join was called from virtual thread 'virtual-intruder' (#"
                      + intruder.threadId()
                      + ")"),
          e.getMessage());
      scope.join();
    }
  }

  @Test
  void close_fromAThreadThatIsNotTheOwner_isRefused_namingBothThreads()
      throws InterruptedException {
    Thread owner = Thread.currentThread();
    try (Scope scope = Scope.open(runner)) {
      scope.fork("a", () -> 1);
      AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
      Thread intruder = callFrom(Thread.ofPlatform().name("closer"), scope, Scope::close, thrown);
      WrongThreadException e = assertInstanceOf(WrongThreadException.class, thrown.get());
      assertEquals(
          "only the thread that opened a scope may close it; the scope belongs to "
              + describe(owner)
              + ", and close was called from "
              + describe(intruder),
          String.valueOf(e.getMessage()));
      scope.join();
    }
  }

  @Test
  void fork_fromATaskBodyIntoTheScopeThatRunsIt_isRefused_namingTheRunnerThread()
      throws InterruptedException {
    Thread owner = Thread.currentThread();
    try (Scope scope = Scope.open(runner)) {
      Handle<String> body =
          scope.fork(
              "outer",
              () -> {
                try {
                  scope.fork("inner", () -> 1);
                  return "forked";
                } catch (WrongThreadException e) {
                  return String.valueOf(e.getMessage());
                }
              });
      scope.join();
      String m = body.get();
      assertTrue(
          m.startsWith(
              "only the thread that opened a scope may fork it; the scope belongs to "
                  + describe(owner)
                  + ", and fork was called from thread 'heddle-threads-"),
          m);
    }
  }
}
