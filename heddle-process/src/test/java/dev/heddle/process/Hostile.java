package dev.heddle.process;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Results and exceptions that misbehave when the runner reads them: their readObject runs
 * only in the runner's JVM, since a worker only writes them.
 */
final class Hostile {
  private Hostile() {}

  /** An Error of a kind the runner does not expect. */
  static final class CustomError extends Error {
    @Serial private static final long serialVersionUID = 1L;

    CustomError(String message) {
      super(message);
    }
  }

  /** Throws the Error named by {@code kind} from readObject. */
  record ErrorOnRead(String kind) implements Serializable {
    @Serial
    private Object readResolve() {
      throw switch (kind) {
        case "assertion" -> new AssertionError("readObject asserted");
        case "internal" -> new InternalError("readObject failed inside");
        default -> new CustomError("readObject threw a custom error");
      };
    }
  }

  /** Opened by a test to let blocked readings go. */
  static final CountDownLatch RELEASE = new CountDownLatch(1);

  /** Whose readObject waits, ignoring interrupts, until {@link #RELEASE} opens. */
  static final class BlocksOnRead implements Serializable {
    @Serial private static final long serialVersionUID = 1L;

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      while (true) {
        try {
          if (RELEASE.await(1, TimeUnit.MINUTES)) {
            return;
          }
        } catch (InterruptedException e) {
          // ignored on purpose: the worst case
        }
      }
    }
  }

  /** An exception carrying any payload. */
  static final class Carrying extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // a payload chosen by each test, serializable in each
    final Object payload;

    Carrying(String message, Object payload) {
      super(message);
      this.payload = payload;
    }
  }

  /**
   * The "SerialDOS" graph: sets nested {@code depth} deep, each level's two sets holding the
   * same two sets of the next, so that hashing the root walks 2^depth paths. A few KB.
   */
  static Set<Object> serialDos(int depth) {
    Set<Object> root = new HashSet<>();
    Set<Object> s1 = root;
    Set<Object> s2 = new HashSet<>();
    for (int i = 0; i < depth; i++) {
      Set<Object> t1 = new HashSet<>();
      Set<Object> t2 = new HashSet<>();
      t1.add("x"); // unequal to t2
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return root;
  }
}
