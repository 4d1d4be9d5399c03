package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.contract.Semantics;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ScopedValue} bindings and task bodies on every in-JVM runner: carried by {@link
 * ScopeOptions#inherit}, and explained when a body reads one that is not bound. Compiled with
 * release 25 (where {@code ScopedValue} is final), and the source of the Javadoc example of
 * {@link ScopeOptions#inherit} and {@link Inheritance}.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScopedValueExamplesTest {

  // @start region="inherit"
  static final ScopedValue<String> USER = ScopedValue.newInstance();

  /** Task bodies see USER as the thread that opens the scope sees it. */
  static final ScopeOptions INHERIT_USER =
      ScopeOptions.defaults()
          .inherit(
              () -> {
                String user = USER.get(); // read on the thread that opens the scope
                return body -> ScopedValue.where(USER, user).call(body::call);
              });

  static String greet(Runner runner) throws InterruptedException {
    try (Scope scope = Scope.open(runner, INHERIT_USER)) {
      Handle<String> greeting =
          scope.fork(
              Task.named("greet").semantics(Semantics.BLOCKING), () -> "hello " + USER.get());
      scope.join();
      return greeting.get();
    }
  }

  // ... ScopedValue.where(USER, "ada").call(() -> greet(Runner.virtual())) returns "hello ada"
  // @end

  static final ScopedValue<String> TENANT = ScopedValue.newInstance();

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void inherit_bodiesSeeTheOpenersBinding_onEveryInJvmRunner(RunnerKind kind)
      throws InterruptedException {
    try (Runner runner = kind.make()) {
      assertEquals("hello ada", ScopedValue.where(USER, "ada").call(() -> greet(runner)));
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void inherit_coversEveryTaskShape_everySemantics_andTheValueAtOpen(RunnerKind kind)
      throws InterruptedException {
    try (Runner runner = kind.make()) {
      List<String> seen =
          ScopedValue.where(USER, "ada")
              .call(
                  () -> {
                    try (Scope scope = Scope.open(runner, INHERIT_USER)) {
                      List<Handle<String>> handles = new ArrayList<>();
                      for (Semantics s :
                          List.of(Semantics.BLOCKING, Semantics.CPU, Semantics.TRIVIAL)) {
                        Handle<String> a =
                            scope.fork(Task.named("a-" + s).semantics(s), () -> USER.get());
                        handles.add(a);
                        handles.add(
                            scope.fork(Task.named("b-" + s).semantics(s), a, x -> x + USER.get()));
                      }
                      // join under another binding: bodies still see the one of the opening
                      ScopedValue.where(USER, "bob")
                          .call(
                              () -> {
                                scope.join();
                                return null;
                              });
                      return handles.stream().map(Handle::get).toList();
                    }
                  });
      assertEquals(List.of("ada", "adaada", "ada", "adaada", "ada", "adaada"), seen);
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void inherit_calledTwice_nestsTheFirstOutermost(RunnerKind kind) throws InterruptedException {
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    ScopeOptions both =
        INHERIT_USER.inherit(
            () -> {
              String tenant = TENANT.get();
              return body -> {
                order.add("tenant sees " + USER.get()); // the first inheritance is outside
                return ScopedValue.where(TENANT, tenant).call(body::call);
              };
            });
    try (Runner runner = kind.make()) {
      String seen =
          ScopedValue.where(USER, "ada")
              .where(TENANT, "acme")
              .call(
                  () -> {
                    try (Scope scope = Scope.open(runner, both)) {
                      Handle<String> h =
                          scope.fork(
                              Task.named("both").semantics(Semantics.BLOCKING),
                              () -> USER.get() + "@" + TENANT.get());
                      scope.join();
                      return h.get();
                    }
                  });
      assertEquals("ada@acme", seen);
      assertEquals(List.of("tenant sees ada"), order);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"THREADS", "VIRTUAL"})
  void unboundRead_onARunnersThread_failureSaysTheBindingIsNotCarried(RunnerKind kind) {
    try (Runner runner = kind.make()) {
      TaskFailedException e =
          assertThrows(
              TaskFailedException.class,
              () ->
                  ScopedValue.where(USER, "ada")
                      .call(
                          () -> {
                            try (Scope scope = Scope.open(runner)) {
                              scope.fork(
                                  Task.named("reads").semantics(Semantics.BLOCKING),
                                  () -> USER.get());
                              scope.join();
                              return null;
                            }
                          }));
      assertInstanceOf(NoSuchElementException.class, e.getCause());
      assertTrue(
          String.valueOf(e.getMessage())
              .contains(
                  "the body read a ScopedValue that is not bound on the thread it ran on: a value"
                      + " bound on the thread that opened the scope is not bound on runner "
                      + runner.name()
                      + "'s threads; carry it with ScopeOptions.inherit(...)"),
          String.valueOf(e.getMessage()));
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void unboundRead_notCarriedByTheInheritance_failureSaysSo(RunnerKind kind) {
    try (Runner runner = kind.make()) {
      TaskFailedException e =
          assertThrows(
              TaskFailedException.class,
              () ->
                  ScopedValue.where(USER, "ada")
                      .call(
                          () -> {
                            try (Scope scope = Scope.open(runner, INHERIT_USER)) {
                              scope.fork(
                                  Task.named("reads").semantics(Semantics.BLOCKING),
                                  () -> TENANT.get());
                              scope.join();
                              return null;
                            }
                          }));
      String m = String.valueOf(e.getMessage());
      assertTrue(
          m.contains("this scope's ScopeOptions.inherit does not bind it")
              || m.contains("the value was not bound around the scope's join"),
          m);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = RunnerKind.class,
      names = {"INLINE", "SEEDED"})
  void unboundRead_onTheOpenersThread_failureSaysItWasNotBoundAroundJoin(RunnerKind kind) {
    try (Runner runner = kind.make()) {
      TaskFailedException e =
          assertThrows(
              TaskFailedException.class,
              () -> {
                try (Scope scope = Scope.open(runner)) {
                  scope.fork(Task.named("reads").semantics(Semantics.BLOCKING), () -> USER.get());
                  scope.join();
                }
              });
      assertTrue(
          String.valueOf(e.getMessage())
              .contains("the value was not bound around the scope's join"),
          String.valueOf(e.getMessage()));
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void anAroundThatDoesNotCallTheBody_failsTheTask_sayingWhy(RunnerKind kind) {
    ScopeOptions broken = ScopeOptions.defaults().inherit(() -> body -> "never ran the body");
    try (Runner runner = kind.make()) {
      TaskFailedException e =
          assertThrows(
              TaskFailedException.class,
              () -> {
                try (Scope scope = Scope.open(runner, broken)) {
                  scope.fork(Task.named("skipped-body").semantics(Semantics.BLOCKING), () -> 1);
                  scope.join();
                }
              });
      String cause =
          String.valueOf(assertInstanceOf(IllegalStateException.class, e.getCause()).getMessage());
      assertTrue(cause.contains("returned without calling the task body"), cause);
    }
  }

  @ParameterizedTest
  @EnumSource(RunnerKind.class)
  void inherit_appliesToGraphRuns_theThreadThatRunsTheGraphIsTheOpener(RunnerKind kind)
      throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<String> user = g.add(Task.named("user").semantics(Semantics.BLOCKING), () -> USER.get());
    Node<String> twice =
        g.add(Task.named("twice").semantics(Semantics.CPU), user, u -> u + USER.get());
    Graph graph = g.build();
    try (Runner runner = kind.make()) {
      Results r = ScopedValue.where(USER, "ada").call(() -> graph.run(runner, INHERIT_USER));
      assertEquals("adaada", r.get(twice));
    }
  }
}
