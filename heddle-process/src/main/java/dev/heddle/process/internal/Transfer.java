package dev.heddle.process.internal;

import dev.heddle.TransferRules;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    return serializeChecked(value, what, null);
  }

  /**
   * Serializes a body as {@link #serializeChecked(Object, String)} does, writing each class
   * descriptor as its number in {@code descriptors}; only a reader that has been given
   * those descriptors ({@link Known#define}) can read the bytes.
   */
  public byte[] serializeChecked(
      @Nullable Object value, String what, @Nullable Descriptors descriptors) throws IOException {
    return serializeChecked(value, what, descriptors, null);
  }

  /**
   * Serializes an invocation as {@link #serializeChecked(Object, String, Descriptors)} does,
   * writing a mark in place of the body that {@code encoded} holds, which was serialized on its
   * own before; a reader given the body puts it back ({@link #deserialize(byte[], String, Kind,
   * Known, Object)}). With a null {@code encoded}, nothing is replaced.
   */
  public byte[] serializeChecked(
      @Nullable Object value,
      String what,
      @Nullable Descriptors descriptors,
      @Nullable Encoded encoded)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded == null ? 256 : 64);
    try (Checking out = new Checking(bytes, what, descriptors, encoded)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /**
   * A body shorter than this, serialized with its descriptors by number, cannot nest more
   * than {@link TransferRules#MAX_DEPTH} objects deep: each level takes at least a type code
   * and a class descriptor (a new one's type code and number, or a reference to one seen
   * before), six bytes, so counting five per level leaves a margin.
   */
  public static final int SHALLOW_BYTES = 5 * TransferRules.MAX_DEPTH;

  /**
   * A body serialized on its own: its bytes, and how to know it again in an invocation. A
   * lambda is written as the {@link SerializedLambda} its {@code writeReplace} makes, a new
   * one each time, so the body is known again by that form: the same class, method and
   * types, and the very same captured objects.
   */
  public record Encoded(Object body, @Nullable SerializedLambda lambda, byte[] bytes) {
    boolean isBody(Object written) {
      if (written == body) {
        return true;
      }
      SerializedLambda l = lambda;
      return l != null && written instanceof SerializedLambda w && sameLambda(l, w);
    }

    private static boolean sameLambda(SerializedLambda a, SerializedLambda b) {
      if (a.getCapturedArgCount() != b.getCapturedArgCount()
          || !a.getCapturingClass().equals(b.getCapturingClass())
          || !a.getImplClass().equals(b.getImplClass())
          || !a.getImplMethodName().equals(b.getImplMethodName())
          || !a.getImplMethodSignature().equals(b.getImplMethodSignature())
          || a.getImplMethodKind() != b.getImplMethodKind()
          || !a.getFunctionalInterfaceClass().equals(b.getFunctionalInterfaceClass())
          || !a.getFunctionalInterfaceMethodName().equals(b.getFunctionalInterfaceMethodName())
          || !a.getInstantiatedMethodType().equals(b.getInstantiatedMethodType())) {
        return false;
      }
      for (int i = 0; i < a.getCapturedArgCount(); i++) {
        if (!sameCapture(a.getCapturedArg(i), b.getCapturedArg(i))) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Whether two captured values are the same: the same object, or (since writeReplace boxes
   * a captured primitive anew each time) equal values of a type whose equal values serialize
   * alike.
   */
  private static boolean sameCapture(@Nullable Object a, @Nullable Object b) {
    if (a == b) {
      return true;
    }
    return a != null
        && b != null
        && a.getClass() == b.getClass()
        && (a instanceof Integer
            || a instanceof Long
            || a instanceof Short
            || a instanceof Byte
            || a instanceof Character
            || a instanceof Boolean
            || a instanceof Float
            || a instanceof Double
            || a instanceof String)
        && a.equals(b);
  }

  /**
   * Serializes a task's body at fork, for the strict transfer check and for sending, or
   * returns null if the body is too long to vouch for its depth without reading it back
   * (the engine's own check then does that).
   *
   * @throws InvalidClassException naming a refused class
   * @throws IOException if the body cannot be serialized
   */
  public @Nullable Encoded encodeBody(Object body, String what, Descriptors descriptors)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    SerializedLambda lambda;
    try (Checking out = new Checking(bytes, what, descriptors, null)) {
      out.writeObject(body);
      lambda = out.rootLambda;
    }
    return bytes.size() < SHALLOW_BYTES ? new Encoded(body, lambda, bytes.toByteArray()) : null;
  }

  /** What an invocation holds in place of a body sent on its own. */
  static final class BodyMark implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    static final BodyMark MARK = new BodyMark();
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
    return deserialize(bytes, what, kind, null);
  }

  /**
   * Reads a value through the list for its kind, as {@link #deserialize(byte[], String, Kind)}
   * does, from bytes whose class descriptors are numbers in {@code known}. The descriptors
   * come from the table, but every class they name is resolved and put to the filter as it
   * would be from a descriptor in the stream: the table saves bytes, never a check.
   */
  public @Nullable Object deserialize(byte[] bytes, String what, Kind kind, @Nullable Known known)
      throws IOException, ClassNotFoundException {
    return deserialize(bytes, what, kind, known, null);
  }

  /**
   * Reads an invocation as {@link #deserialize(byte[], String, Kind, Known)} does, putting
   * {@code body} where the writer put its mark; with a null body, a mark is refused.
   */
  public @Nullable Object deserialize(
      byte[] bytes, String what, Kind kind, @Nullable Known known, @Nullable Object body)
      throws IOException, ClassNotFoundException {
    return read(bytes, what, kind, known, body, null);
  }

  /**
   * What {@link #deserializeInert} returns for bytes that hold a class other than the inert
   * ones: they are to be read as usual, on a thread that can be abandoned.
   */
  public static final Object NOT_INERT = new Object();

  /**
   * Reads a result as {@link #deserialize(byte[], String, Kind)} does, if it holds only
   * classes whose reading runs no code but the JDK's own and takes time in proportion to the
   * bytes: strings, the boxed primitives, and arrays of those or of primitives (at any
   * depth); else returns {@link #NOT_INERT} as soon as the first other class is met, having
   * run none of its code. Such a reading cannot block, spin or run a class's {@code
   * readObject}, {@code hashCode} or initializer, so it needs no deadline and no thread of its
   * own; every limit and the result list still apply.
   *
   * @throws InvalidClassException naming the refused class, or the limit exceeded
   * @throws IOException or ClassNotFoundException if the bytes cannot be read
   */
  public @Nullable Object deserializeInert(byte[] bytes, String what)
      throws IOException, ClassNotFoundException {
    boolean[] other = new boolean[1];
    try {
      return read(bytes, what, Kind.RESULT, null, null, other);
    } catch (InvalidClassException e) {
      if (other[0]) {
        return NOT_INERT;
      }
      throw e;
    }
  }

  /** Whether reading an instance of {@code c} runs only the JDK's own code (see deserializeInert). */
  static boolean inert(Class<?> c) {
    Class<?> e = c;
    while (e.isArray()) {
      e = e.getComponentType();
    }
    return e.isPrimitive() || INERT.contains(e);
  }

  /** Classes that have no readObject, readResolve or initializer of a user's. */
  private static final Set<Class<?>> INERT =
      Set.of(
          String.class,
          Number.class,
          Boolean.class,
          Byte.class,
          Character.class,
          Short.class,
          Integer.class,
          Long.class,
          Float.class,
          Double.class);

  /**
   * Reads through the list for {@code kind}; with {@code other} non-null, also refuses every
   * class that is not {@link #inert}, marking {@code other[0]}.
   */
  private @Nullable Object read(
      byte[] bytes,
      String what,
      Kind kind,
      @Nullable Known known,
      @Nullable Object body,
      boolean @Nullable [] other)
      throws IOException, ClassNotFoundException {
    AtomicReference<@Nullable String> refused = new AtomicReference<>();
    Position stream = new Position(bytes);
    HashNesting hashes = new HashNesting();
    try (ObjectInputStream in =
        known == null ? new Resolving(stream) : known.reader(stream, body)) {
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
            if (other != null && !inert(c)) {
              other[0] = true;
              return ObjectInputFilter.Status.REJECTED;
            }
            if (c == BodyMark.class) {
              return body != null && known != null && kind == Kind.BODY
                  ? ObjectInputFilter.Status.ALLOWED
                  : ObjectInputFilter.Status.REJECTED;
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

  /** The loader every stream here resolves classes with: this class's own. */
  private static final @Nullable ClassLoader LOADER = Transfer.class.getClassLoader();

  /** What {@link ObjectInputStream#resolveClass} falls back to when a name is not a class. */
  private static final Map<String, Class<?>> PRIMITIVES =
      Map.of(
          "boolean", boolean.class,
          "byte", byte.class,
          "char", char.class,
          "short", short.class,
          "int", int.class,
          "long", long.class,
          "float", float.class,
          "double", double.class,
          "void", void.class);

  /**
   * An object stream that resolves classes with {@link #LOADER}. The JDK's {@code
   * resolveClass} uses the latest user-defined loader on the calling thread's stack, found by
   * walking the stack once for every class descriptor read; the first such frame is always
   * this class's (the reading is called from here), so the loader is the same and the walk,
   * about a fifth of a worker's CPU per trivial task, is saved (BENCHMARKS.md, "Where a round
   * trip's time goes").
   */
  private static class Resolving extends ObjectInputStream {
    Resolving(ByteArrayInputStream stream) throws IOException {
      super(stream);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      if (LOADER == null) {
        return super.resolveClass(desc); // on the boot loader: let the JDK find the loader
      }
      String name = desc.getName();
      try {
        return Class.forName(name, false, LOADER);
      } catch (ClassNotFoundException e) {
        Class<?> primitive = PRIMITIVES.get(name);
        if (primitive != null) {
          return primitive;
        }
        throw e;
      }
    }
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

    private final @Nullable Descriptors descriptors;
    private final @Nullable Encoded body;
    private boolean first = true;
    @Nullable SerializedLambda rootLambda; // the form the root took, if it is a lambda

    Checking(
        OutputStream out, String what, @Nullable Descriptors descriptors, @Nullable Encoded body)
        throws IOException {
      super(out);
      this.what = what;
      this.descriptors = descriptors;
      this.body = body;
      enableReplaceObject(true);
    }

    @Override
    protected void writeClassDescriptor(ObjectStreamClass desc) throws IOException {
      Descriptors d = descriptors;
      if (d == null) {
        super.writeClassDescriptor(desc);
        return;
      }
      int id = d.idOf(desc);
      writeInt(id);
      if (id == INLINE) {
        super.writeClassDescriptor(desc);
      }
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
      Encoded b = body;
      if (b != null && b.isBody(obj)) {
        return BodyMark.MARK;
      }
      if (first) {
        first = false;
        if (obj instanceof SerializedLambda l) {
          rootLambda = l;
        }
      }
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

  /*
   * Class descriptors by number. Java serialization writes every class's descriptor (its name,
   * serialVersionUID and fields, with their names and types) in full in every stream, and a
   * stream per body is what keeps each body's limits and filter its own; for a small body the
   * descriptors are most of its bytes and most of a worker's work to read. So a pool numbers
   * the descriptors its bodies write (Descriptors), a body carries the numbers, and each
   * worker connection is sent each descriptor in full once, just before the first body that
   * may use it (Known.define). A descriptor is data only: reading one from the table loads
   * no class. The class it names is resolved, and put to the filter, in the body's own
   * stream, exactly as for a descriptor read from that stream.
   */

  /** A descriptor written in full in the body, for a table that is full. */
  static final int INLINE = -1;

  /** How many descriptors a table holds at most; more are written in full in each body. */
  static final int MAX_DESCRIPTORS = 1 << 14;

  /** The runner's numbering of the class descriptors its bodies write; safe for concurrent use. */
  public static final class Descriptors {
    private final List<ObjectStreamClass> byId = new ArrayList<>();
    private final IdentityHashMap<ObjectStreamClass, Integer> ids = new IdentityHashMap<>();

    synchronized int idOf(ObjectStreamClass desc) {
      Integer id = ids.get(desc);
      if (id != null) {
        return id;
      }
      if (byId.size() >= MAX_DESCRIPTORS) {
        return INLINE;
      }
      int next = byId.size();
      byId.add(desc);
      ids.put(desc, next);
      return next;
    }

    /** How many descriptors are numbered: every body serialized so far uses numbers below it. */
    public synchronized int size() {
      return byId.size();
    }

    /**
     * The descriptors numbered {@code from} (inclusive) to {@code to} (exclusive), each in full
     * with its number, for {@link Known#define}.
     */
    public byte[] definitions(int from, int to) throws IOException {
      List<ObjectStreamClass> range;
      synchronized (this) {
        range = List.copyOf(byId.subList(from, to));
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * range.size());
      try (ObjectOutputStream out =
          new ObjectOutputStream(bytes) {
            @Override
            protected void writeClassDescriptor(ObjectStreamClass desc) throws IOException {
              writeInt(idOf(desc)); // a superclass's descriptor comes along, with its own number
              super.writeClassDescriptor(desc);
            }
          }) {
        out.writeInt(range.size());
        for (ObjectStreamClass desc : range) {
          out.writeObject(desc);
        }
      }
      return bytes.toByteArray();
    }
  }

  /** A worker connection's table of the descriptors the runner has sent it; for one thread. */
  public static final class Known {
    private ObjectStreamClass[] byId = new ObjectStreamClass[64];

    /**
     * Adds the descriptors of {@link Descriptors#definitions}. Loads no class.
     *
     * @throws StreamCorruptedException if the bytes are not such descriptors
     */
    public void define(byte[] definitions) throws IOException {
      if (definitions.length == 0) {
        return;
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(definitions)) {
            @Override
            protected ObjectStreamClass readClassDescriptor()
                throws IOException, ClassNotFoundException {
              int id = readInt();
              if (id < INLINE || id >= MAX_DESCRIPTORS) {
                throw new StreamCorruptedException(
                    "class descriptor number " + id + " is out of range");
              }
              ObjectStreamClass desc = super.readClassDescriptor();
              if (id == INLINE) {
                return desc; // a superclass's, left out of a full table: the bodies carry it
              }
              if (id >= byId.length) {
                byId =
                    Arrays.copyOf(
                        byId, Math.min(MAX_DESCRIPTORS, Math.max(id + 1, byId.length * 2)));
              }
              byId[id] = desc;
              return desc;
            }

            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws ClassNotFoundException {
              throw new ClassNotFoundException(
                  desc.getName() + " (not loaded: a definition is data only)");
            }
          }) {
        int n = in.readInt();
        if (n < 0 || n > MAX_DESCRIPTORS) {
          throw new StreamCorruptedException(n + " class descriptors are out of range");
        }
        for (int i = 0; i < n; i++) {
          try {
            in.readObject();
          } catch (ClassNotFoundException expected) {
            // each definition ends so: its class is resolved only in a body's own stream
          }
        }
      }
    }

    ObjectInputStream reader(ByteArrayInputStream stream, @Nullable Object body)
        throws IOException {
      return new Resolving(stream) {
        {
          if (body != null) {
            enableResolveObject(true);
          }
        }

        @Override
        protected Object resolveObject(Object obj) {
          return obj instanceof BodyMark && body != null ? body : obj;
        }

        @Override
        protected ObjectStreamClass readClassDescriptor()
            throws IOException, ClassNotFoundException {
          int id = readInt();
          if (id == INLINE) {
            return super.readClassDescriptor();
          }
          ObjectStreamClass desc = id >= 0 && id < byId.length ? byId[id] : null;
          if (desc == null) {
            throw new StreamCorruptedException(
                "class descriptor number " + id + " was never sent to this worker");
          }
          return desc;
        }
      };
    }
  }
}
