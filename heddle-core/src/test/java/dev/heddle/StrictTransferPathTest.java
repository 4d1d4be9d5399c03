package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With the strict transfer check on, a body that captures something not serializable is
 * refused at fork, and the message gives the path to the offending field.
 */
class StrictTransferPathTest {

  private static final String SUFFIX =
      "; it could not cross a process boundary (strict transfer check is on)";

  /** Something that cannot cross a process boundary. */
  static final class Connection {
    @Override
    public String toString() {
      return "connection";
    }
  }

  /** Serializable itself, but holding a connection. */
  static final class Repository implements Serializable {
    private static final long serialVersionUID = 1L;
    final Connection connection = new Connection();

    Body0<String> loader() {
      return new Body0<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public String call() {
          return "rows from " + connection;
        }
      };
    }
  }

  private final Runner runner = Runner.inline(RunnerOptions.defaults().strictTransfer(true));

  /** A field of this (non-serializable) test instance. */
  private final Connection connection = new Connection();

  @AfterEach
  void closeRunner() {
    runner.close();
  }

  private String refusal(Body0<?> body) throws InterruptedException {
    try (Scope scope = Scope.open(runner)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> scope.fork("load", body));
      scope.join(); // the refused task was not added
      return String.valueOf(e.getMessage());
    }
  }

  @Test
  void anonymousClass_capturingAFieldOfItsSerializableOuterInstance_namesThePathThroughThis0()
      throws InterruptedException {
    assertEquals(
        "task 'load' captures field 'this$0.connection' of type "
            + Connection.class.getName()
            + ", which is not serializable"
            + SUFFIX,
        refusal(new Repository().loader()));
  }

  @Test
  void anonymousClass_capturingItsNonSerializableOuterInstance_namesThis0()
      throws InterruptedException {
    Body0<String> body =
        new Body0<>() {
          private static final long serialVersionUID = 1L;

          @Override
          public String call() {
            return "rows from " + connection;
          }
        };
    assertEquals(
        "task 'load' captures field 'this$0' of type "
            + StrictTransferPathTest.class.getName()
            + ", which is not serializable"
            + SUFFIX,
        refusal(body));
  }

  @Test
  void lambda_capturingASerializableObjectWithANonSerializableField_namesThePath()
      throws InterruptedException {
    Repository repository = new Repository();
    assertEquals(
        "task 'load' captures field 'arg$1.connection' of type "
            + Connection.class.getName()
            + ", which is not serializable"
            + SUFFIX,
        refusal(() -> "rows from " + repository.connection));
  }

  @Test
  void lambda_capturingThis_namesThis() throws InterruptedException {
    assertEquals(
        "task 'load' captures field 'this' of type "
            + StrictTransferPathTest.class.getName()
            + ", which is not serializable"
            + SUFFIX,
        refusal(() -> "rows from " + connection));
  }

  @Test
  void lambda_capturingAnArrayHoldingAConnection_namesTheElement() throws InterruptedException {
    Object[] parts = {"header", new Connection()};
    assertEquals(
        "task 'load' captures field 'arg$1[1]' of type "
            + Connection.class.getName()
            + ", which is not serializable"
            + SUFFIX,
        refusal(() -> "rows from " + parts.length));
  }

  @Test
  void lambda_capturingAJdkListHoldingAConnection_namesAtLeastTheOffendingType()
      throws InterruptedException {
    // JDK collections cannot be opened by reflection (or keep their elements in transient
    // fields), so the path may stop short; the offending type must still be named.
    for (List<Object> holder :
        List.<List<Object>>of(
            List.of("header", new Connection()),
            new ArrayList<>(List.of("header", new Connection())))) {
      String m = refusal(() -> "rows from " + holder.size());
      assertTrue(m.startsWith("task 'load' captures "), m);
      assertTrue(m.contains(Connection.class.getName() + ", which is not serializable"), m);
      assertTrue(m.endsWith(SUFFIX), m);
    }
  }

  @Test
  void serializableCapture_isAccepted() throws InterruptedException {
    String table = "orders";
    try (Scope scope = Scope.open(runner)) {
      Handle<String> h = scope.fork("load", () -> "rows from " + table);
      scope.join();
      assertEquals("rows from orders", h.get());
    }
  }
}
