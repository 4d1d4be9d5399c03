package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.example.strict.Point;
import org.example.strict.PointException;
import org.junit.jupiter.api.Test;

/**
 * The strict transfer check refuses on threads what a worker process would refuse: classes
 * outside the allow-list in captures, results and exceptions, graphs too deep to read, and
 * it finds a bad value inside a collection by its path.
 */
class StrictTransferAllowListTest {

  private static RunnerOptions strict(TransferRules rules) {
    return RunnerOptions.defaults().strictTransfer(true).transferRules(rules);
  }

  private static String forkRefusal(RunnerOptions options, Body0<?> body)
      throws InterruptedException {
    try (Runner runner = Runner.threads(2, options);
        Scope scope = Scope.open(runner)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> scope.fork("task", body));
      scope.join();
      return String.valueOf(e.getMessage());
    }
  }

  private static Throwable failure(RunnerOptions options, Body0<?> body)
      throws InterruptedException {
    try (Runner runner = Runner.threads(2, options);
        Scope scope = Scope.open(runner)) {
      scope.fork("task", body);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      return java.util.Objects.requireNonNull(e.getCause());
    }
  }

  @Test
  void captureOfAClassOutsideTheAllowList_isRefusedAtFork_namingTheFieldAndTheClass()
      throws InterruptedException, java.net.MalformedURLException {
    URL url = URI.create("http://example.com/").toURL();
    String m = forkRefusal(strict(TransferRules.defaults()), () -> url.getHost());
    assertTrue(
        m.startsWith(
            "task 'task' captures field 'arg$1' of type java.net.URL, which is not on the allow-list"
                + " for bodies"),
        m);
  }

  @Test
  void captureOfAUserClass_isRefusedUnlessItsPackageIsAllowed() throws InterruptedException {
    Point p = new Point(1, 2);
    String m = forkRefusal(strict(TransferRules.defaults()), () -> p.x());
    assertTrue(m.contains("field 'arg$1' of type org.example.strict.Point"), m);
    assertTrue(m.contains("allowPackages"), m);
    try (Runner runner =
            Runner.threads(2, strict(TransferRules.defaults().allowPackages("org.example")));
        Scope scope = Scope.open(runner)) {
      Handle<Integer> h = scope.fork("task", () -> p.x());
      scope.join();
      assertEquals(1, h.get());
    }
  }

  @Test
  void resultOfAClassAllowedOnlyForBodies_failsTheTask_asAWorkerProcessWould()
      throws InterruptedException {
    Throwable e =
        failure(
            strict(TransferRules.defaults().allowPackages("org.example")), () -> new Point(1, 2));
    IllegalArgumentException refused = assertInstanceOf(IllegalArgumentException.class, e);
    assertTrue(
        String.valueOf(refused.getMessage())
            .contains(
                "task 'task' returned a value of type"
                    + " org.example.strict.Point, which is not on the allow-list for results and exceptions"),
        refused.getMessage());
    assertTrue(
        String.valueOf(refused.getMessage()).contains("allowResultPackages"), refused.getMessage());
  }

  @Test
  void resultInsideACollection_isNamedByItsPathThroughTheCollection() throws InterruptedException {
    Throwable e =
        failure(strict(TransferRules.defaults()), () -> Map.of("origin", List.of(new Point(0, 0))));
    assertTrue(
        String.valueOf(e.getMessage())
            .contains("whose field '[origin][0]' of type org.example.strict.Point"),
        e.getMessage());
  }

  @Test
  void resultOfAnAllowedResultClass_crosses() throws InterruptedException {
    try (Runner runner =
            Runner.threads(2, strict(TransferRules.defaults().allowResultClasses(Point.class)));
        Scope scope = Scope.open(runner)) {
      Handle<Point> h = scope.fork("task", () -> new Point(3, 4));
      scope.join();
      assertEquals(new Point(3, 4), h.get());
    }
  }

  @Test
  void exceptionOfAClassOutsideTheResultList_failsAsIllegalArgument_withTheOriginalAsCause()
      throws InterruptedException {
    Throwable e =
        failure(
            strict(TransferRules.defaults()),
            () -> {
              throw new PointException("off the grid");
            });
    IllegalArgumentException refused = assertInstanceOf(IllegalArgumentException.class, e);
    assertTrue(
        String.valueOf(refused.getMessage())
            .startsWith(
                "task 'task' threw org.example.strict.PointException,"
                    + " which is not on the allow-list for results and exceptions"),
        refused.getMessage());
    assertTrue(
        String.valueOf(refused.getMessage()).contains("RemoteFailureException"),
        refused.getMessage());
    assertInstanceOf(PointException.class, refused.getCause());
  }

  @Test
  void unserializableException_failsAsIllegalArgument_namingTheField() throws InterruptedException {
    Throwable e =
        failure(
            strict(TransferRules.defaults()),
            () -> {
              throw new HoldsAThread();
            });
    assertTrue(
        String.valueOf(e.getMessage())
            .contains(
                "threw " + HoldsAThread.class.getName() + ", its field 'thread'" + " of type "),
        e.getMessage());
    assertTrue(
        String.valueOf(e.getMessage()).contains(", which is not serializable"), e.getMessage());
    assertInstanceOf(HoldsAThread.class, e.getCause());
  }

  @Test
  void exceptionOfAllowedClass_arrivesAsItself() throws InterruptedException {
    IllegalStateException thrown = new IllegalStateException("plain");
    Throwable e =
        failure(
            strict(TransferRules.defaults()),
            () -> {
              throw thrown;
            });
    assertSame(thrown, e);
  }

  @Test
  void captureOfAnUnserializableValueInsideAList_namesThePathThroughTheList()
      throws InterruptedException {
    List<Object> holder = List.of("fine", new Object());
    String m = forkRefusal(strict(TransferRules.defaults()), () -> holder.size());
    assertTrue(
        m.startsWith(
            "task 'task' captures field 'arg$1[1]' of type java.lang.Object, which is not"
                + " serializable"),
        m);
  }

  @Test
  void captureNestedTooDeep_isRefusedAtFork_namingTheDepth() throws InterruptedException {
    List<Object> deep = nested(TransferRules.MAX_DEPTH + 50);
    String m = forkRefusal(strict(TransferRules.defaults()), () -> deep.size());
    assertTrue(m.contains("nested more than " + TransferRules.MAX_DEPTH + " levels deep"), m);
    assertTrue(!m.contains("allow-list"), m);
  }

  @Test
  void resultNestedTooDeep_failsTheTask_namingTheDepth() throws InterruptedException {
    Throwable e =
        failure(strict(TransferRules.defaults()), () -> nested(TransferRules.MAX_DEPTH + 50));
    assertTrue(String.valueOf(e.getMessage()).contains("levels deep"), e.getMessage());
  }

  @Test
  void resultNestedWithinTheLimit_crosses() throws InterruptedException {
    try (Runner runner = Runner.threads(2, strict(TransferRules.defaults()));
        Scope scope = Scope.open(runner)) {
      Handle<List<Object>> h = scope.fork("task", () -> nested(TransferRules.MAX_DEPTH / 4));
      scope.join();
      assertEquals(1, h.get().size());
    }
  }

  private static List<Object> nested(int depth) {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      List<Object> outer = new ArrayList<>();
      outer.add(list);
      list = outer;
    }
    return list;
  }

  /** Serializable in principle, but it holds a thread. */
  static final class HoldsAThread extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("unused")
    private final Thread thread = Thread.currentThread();
  }
}
