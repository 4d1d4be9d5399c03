package dev.heddle.process.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Java serialization for what crosses the process boundary, with an allow-list filter on
 * every read: the JDK's value and exception packages, Heddle's own, and the packages the
 * user names. Anything else is refused before its class is initialised.
 */
public final class Transfer {

  /** The packages always allowed, with their subpackages. */
  static final List<String> BUILT_IN = List.of(
      "java.lang", "java.util", "java.time", "java.math", "java.io", "java.net", "java.nio", "java.text", "dev.heddle");

  private static final int MAX_DEPTH = 2_000;
  private static final long MAX_ARRAY = 256L << 20;

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

  public static byte[] serialize(@Nullable Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a value through the allow-list.
   *
   * @param what what the bytes are, for the message, such as {@code "the result of task 'parse'"}
   * @throws RefusedClassException if the stream names a class outside the allow-list
   * @throws IOException or ClassNotFoundException if the bytes cannot be read
   */
  public @Nullable Object deserialize(byte[] bytes, String what) throws IOException, ClassNotFoundException {
    AtomicReference<@Nullable String> refused = new AtomicReference<>();
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(info -> {
        if (info.depth() > MAX_DEPTH || info.arrayLength() > MAX_ARRAY) {
          refused.compareAndSet(null, "a graph deeper than " + MAX_DEPTH + " or an array longer than " + MAX_ARRAY);
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
      String r = refused.get();
      if (r == null) {
        throw e;
      }
      throw new RefusedClassException(what + " was refused: " + r + " is not on the allow-list of classes that may"
          + " cross the process boundary (allowed packages: " + String.join(", ", allowed) + "); to allow it, add its"
          + " package with ProcessRunner.builder().allowPackages(...)", e);
    }
  }

  public boolean isAllowed(Class<?> c) {
    while (c.isArray()) {
      c = c.getComponentType();
    }
    if (c.isPrimitive()) {
      return true;
    }
    String pkg = c.getPackageName();
    for (String a : allowed) {
      if (pkg.equals(a) || (pkg.startsWith(a) && pkg.charAt(a.length()) == '.')) {
        return true;
      }
    }
    return false;
  }

  /** A stream named a class outside the allow-list. */
  public static final class RefusedClassException extends InvalidClassException {
    private static final long serialVersionUID = 1L;

    RefusedClassException(String message, Throwable cause) {
      super(message);
      initCause(cause);
    }
  }
}
