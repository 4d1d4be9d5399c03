package dev.heddle.process.internal;

import dev.heddle.TransferRules;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.invoke.SerializedLambda;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Java serialization for what crosses the process boundary, through {@link TransferRules}
 * on both sides: bodies, captures and inputs through the body list, results and exceptions
 * through the narrower result list. Writing a body checks every class (and the class that
 * declares each lambda) so that a refusal comes on the submitting side, with the class
 * named; reading refuses anything else before its class is initialised.
 */
public final class Transfer {

  /*
   * Limits beside the allow-list keep a few bytes from demanding much memory or stack: the
   * graph's depth (TransferRules.MAX_DEPTH, low enough that reading nested collections
   * cannot overflow a default stack), the number of references, and each array's length
   * times the size of its elements, which must fit in what is left of the stream (an array
   * is allocated before its elements are read; an element takes at least its own size in
   * the stream, a reference at least a byte).
   */

  private static final long MAX_REFERENCES = 10_000_000;
  private static final int READ_AHEAD =
      1024; // what ObjectInputStream may have buffered beyond the position

  /** What is being read: it decides which list applies. */
  public enum Kind {
    /** A body with its captures and inputs: read by a worker. */
    BODY,
    /** A result or an exception: read by the runner. */
    RESULT
  }

  private final TransferRules rules;

  public Transfer(TransferRules rules) {
    this.rules = rules;
  }

  /** The rules this transfer applies. */
  public TransferRules rules() {
    return rules;
  }

  /** Serializes a value without checking its classes: for what the other side reads through its filter. */
  public static byte[] serialize(@Nullable Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /**
   * Serializes a body, refusing any class a worker would refuse.
   *
   * @param what what is being sent, for the message, such as {@code "task 'parse'"}
   * @throws InvalidClassException naming the class and how to allow it
   * @throws IOException if the value cannot be serialized
   */
  public byte[] serializeChecked(@Nullable Object value, String what) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (Checking out = new Checking(bytes, what)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a value through the list for its kind.
   *
   * @param what what the bytes are, for the message, such as {@code "the result of task 'parse'"}
   * @throws InvalidClassException naming the refused class, or the limit exceeded
   * @throws IOException or ClassNotFoundException if the bytes cannot be read
   */
  public @Nullable Object deserialize(byte[] bytes, String what, Kind kind)
      throws IOException, ClassNotFoundException {
    AtomicReference<@Nullable String> refused = new AtomicReference<>();
    Position stream = new Position(bytes);
    HashNesting hashes = new HashNesting();
    try (ObjectInputStream in = new ObjectInputStream(stream)) {
      in.setObjectInputFilter(
          info -> {
            if (!hashes.admit(info)) {
              return ObjectInputFilter.Status.REJECTED;
            }
            if (info.depth() > TransferRules.MAX_DEPTH) {
              refused.compareAndSet(
                  null,
                  what
                      + " was refused: it nests objects more than "
                      + TransferRules.MAX_DEPTH
                      + " levels deep, the limit on the depth of what crosses the process boundary");
              return ObjectInputFilter.Status.REJECTED;
            }
            if (info.references() > MAX_REFERENCES) {
              refused.compareAndSet(
                  null,
                  what + " was refused: it holds more than " + MAX_REFERENCES + " references");
              return ObjectInputFilter.Status.REJECTED;
            }
            Class<?> c = info.serialClass();
            if (info.arrayLength() >= 0) {
              long size = info.arrayLength() * elementSize(c);
              long left = stream.left() + READ_AHEAD;
              if (size > left) {
                refused.compareAndSet(
                    null,
                    what
                        + " was refused: it declares an array of "
                        + info.arrayLength()
                        + " elements ("
                        + size
                        + " bytes) where only "
                        + left
                        + " bytes are left to read");
                return ObjectInputFilter.Status.REJECTED;
              }
            }
            if (c == null) {
              return ObjectInputFilter.Status.UNDECIDED;
            }
            if (kind == Kind.RESULT ? rules.allowsInResult(c) : rules.allowsInBody(c)) {
              return ObjectInputFilter.Status.ALLOWED;
            }
            refused.compareAndSet(null, refusalText(what + " was refused: " + describe(c), kind));
            return ObjectInputFilter.Status.REJECTED;
          });
      return in.readObject();
    } catch (InvalidClassException e) {
      if (hashes.refused()) {
        InvalidClassException nested =
            new InvalidClassException(
                what
                    + " was refused: it nests sets or maps more than "
                    + HashNesting.MAX
                    + " deep inside one another, and reading such a graph can take exponential time (each"
                    + " element's hashCode walks every level below it)");
        nested.initCause(e);
        throw nested;
      }
      String r = refused.get();
      if (r == null) {
        throw e;
      }
      InvalidClassException refusal = new InvalidClassException(r);
      refusal.initCause(e);
      throw refusal;
    }
  }

  private static String describe(Class<?> c) {
    if (c == SerializedLambda.class) {
      return "a serialized lambda";
    }
    if (java.lang.reflect.Proxy.isProxyClass(c)) {
      return "proxy class " + c.getName();
    }
    return "class " + c.getName();
  }

  private static long elementSize(@Nullable Class<?> array) {
    Class<?> e = array == null ? null : array.getComponentType();
    if (e == null || !e.isPrimitive()) {
      return 1;
    }
    if (e == long.class || e == double.class) {
      return 8;
    }
    if (e == int.class || e == float.class) {
      return 4;
    }
    if (e == short.class || e == char.class) {
      return 2;
    }
    return 1;
  }

  private String refusalText(String start, Kind kind) {
    return start
        + " is not on the allow-list of classes that may cross the process boundary in "
        + (kind == Kind.RESULT ? "results and exceptions" : "bodies, captures and inputs")
        + " ("
        + rules.describe()
        + "); to allow it, add it with "
        + (kind == Kind.RESULT
            ? "ProcessRunner.builder().allowResultPackages(...) or .allowResultClasses(...)"
            : "ProcessRunner.builder().allowPackages(...)");
  }

  private InvalidClassException refusal(String start) {
    return new InvalidClassException(refusalText(start, Kind.BODY));
  }

  /** A byte stream that says how much is left. */
  private static final class Position extends ByteArrayInputStream {
    Position(byte[] bytes) {
      super(bytes);
    }

    long left() {
      synchronized (this) {
        return count - pos;
      }
    }
  }

  /** An object stream that refuses, while writing, what the other side would refuse while reading. */
  private final class Checking extends ObjectOutputStream {
    private final String what;

    Checking(OutputStream out, String what) throws IOException {
      super(out);
      this.what = what;
      enableReplaceObject(true);
    }

    @Override
    protected void annotateClass(Class<?> c) throws IOException {
      if (!rules.allowsInBody(c)) {
        throw refusal(what + " cannot be sent to a worker: class " + c.getName());
      }
    }

    @Override
    protected void annotateProxyClass(Class<?> c) throws IOException {
      annotateClass(c);
    }

    @Override
    protected Object replaceObject(Object obj) throws IOException {
      if (obj instanceof SerializedLambda lambda) {
        String declaring = lambda.getCapturingClass().replace('/', '.');
        if (!rules.allowsLambdaDeclaredIn(declaring)) {
          throw refusal(
              what
                  + " cannot be sent to a worker: its body is a lambda declared in class "
                  + declaring
                  + ", which");
        }
      }
      return obj;
    }
  }
}
