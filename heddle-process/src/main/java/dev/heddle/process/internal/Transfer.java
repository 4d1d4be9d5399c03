package dev.heddle.process.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Java serialization for what crosses the process boundary, with an allow-list on both
 * sides: the JDK's value and exception packages, Heddle's own, and the packages the user
 * names. Writing checks every class (and the class that declares each lambda) so that a
 * refusal comes on the submitting side, with the class named; reading refuses anything
 * else before its class is initialised.
 */
public final class Transfer {

  /*
   * The built-in list is the JDK's value and exception packages. java.net is left out but
   * for URI and exceptions: java.net.URL's hashCode resolves its host, the classic way to
   * make a deserializing process call out. Limits on depth, references and array length
   * keep a few bytes from demanding much memory or stack.
   */

  /** The packages always allowed, with their subpackages. */
  static final List<String> BUILT_IN = List.of(
      "java.lang", "java.util", "java.time", "java.math", "java.io", "java.nio", "java.text", "dev.heddle");

  private static final int MAX_DEPTH = 2_000;
  private static final long MAX_REFERENCES = 10_000_000;

  private final List<String> allowed;
  private final List<String> userPackages;

  /** @param userPackages further packages to allow, each with its subpackages */
  public Transfer(List<String> userPackages) {
    this.userPackages = List.copyOf(userPackages);
    List<String> all = new ArrayList<>(BUILT_IN);
    all.addAll(userPackages);
    this.allowed = List.copyOf(all);
  }

  /** The packages allowed beyond the built-in ones. */
  public List<String> userPackages() {
    return userPackages;
  }

  /** The allowed packages, built-in ones first. */
  public List<String> allowed() {
    return allowed;
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
   * Serializes a value, refusing any class the other side would refuse.
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
   * Reads a value through the allow-list.
   *
   * @param what what the bytes are, for the message, such as {@code "the result of task 'parse'"}
   * @throws InvalidClassException naming the refused class if the stream names one outside the allow-list
   * @throws IOException or ClassNotFoundException if the bytes cannot be read
   */
  public @Nullable Object deserialize(byte[] bytes, String what) throws IOException, ClassNotFoundException {
    AtomicReference<@Nullable String> refused = new AtomicReference<>();
    long maxArray = bytes.length; // an array needs at least a byte per element in the stream
    HashNesting hashes = new HashNesting();
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(info -> {
        if (!hashes.admit(info)) {
          return ObjectInputFilter.Status.REJECTED;
        }
        if (info.depth() > MAX_DEPTH || info.references() > MAX_REFERENCES || info.arrayLength() > maxArray) {
          refused.compareAndSet(null, "a graph deeper than " + MAX_DEPTH + ", with more than " + MAX_REFERENCES
              + " references, or with an array longer than its stream");
          return ObjectInputFilter.Status.REJECTED;
        }
        Class<?> c = info.serialClass();
        if (c == null) {
          return ObjectInputFilter.Status.UNDECIDED;
        }
        if (isAllowed(c)) {
          return ObjectInputFilter.Status.ALLOWED;
        }
        refused.compareAndSet(null, "class " + c.getName());
        return ObjectInputFilter.Status.REJECTED;
      });
      return in.readObject();
    } catch (InvalidClassException e) {
      if (hashes.refused()) {
        InvalidClassException nested = new InvalidClassException(what + " was refused: it nests sets or maps more than "
            + HashNesting.MAX + " deep inside one another, and reading such a graph can take exponential time (each"
            + " element's hashCode walks every level below it)");
        nested.initCause(e);
        throw nested;
      }
      String r = refused.get();
      if (r == null) {
        throw e;
      }
      throw refusal(what + " was refused: " + r, e);
    }
  }

  private InvalidClassException refusal(String start, @Nullable Throwable cause) {
    InvalidClassException e = new InvalidClassException(start + " is not on the allow-list of classes that may cross the"
        + " process boundary (allowed packages, with their subpackages: " + String.join(", ", allowed)
        + "); to allow it, add its package with ProcessRunner.builder().allowPackages(...)");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** Whether a class may cross. */
  public boolean isAllowed(Class<?> c) {
    while (c.isArray()) {
      c = c.getComponentType();
    }
    if (c.isPrimitive()) {
      return true;
    }
    if (c.getPackageName().equals("java.net")) {
      return c == java.net.URI.class || Throwable.class.isAssignableFrom(c);
    }
    return isAllowed(c.getPackageName());
  }

  private boolean isAllowed(String pkg) {
    for (String a : allowed) {
      if (pkg.equals(a) || (pkg.startsWith(a) && pkg.charAt(a.length()) == '.')) {
        return true;
      }
    }
    return false;
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
      if (!isAllowed(c)) {
        throw refusal(what + " cannot be sent to a worker: class " + c.getName(), null);
      }
    }

    @Override
    protected Object replaceObject(Object obj) throws IOException {
      if (obj instanceof SerializedLambda lambda) {
        String declaring = lambda.getCapturingClass().replace('/', '.');
        int dot = declaring.lastIndexOf('.');
        if (!isAllowed(dot < 0 ? "" : declaring.substring(0, dot))) {
          throw refusal(what + " cannot be sent to a worker: its body is a lambda declared in class " + declaring
              + ", which", null);
        }
      }
      return obj;
    }
  }
}
