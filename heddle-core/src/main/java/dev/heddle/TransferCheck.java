package dev.heddle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The strict transfer check: serializes a body, a result or an exception as a runner in
 * another process would, through the same {@link TransferRules}, and when that fails, names
 * the path of the field that could not cross.
 */
final class TransferCheck {
  private TransferCheck() {}

  private static final String SUFFIX =
      "; it could not cross a process boundary (strict transfer check is on)";

  /*
   * Three checks, in the order a worker process would fail them: every class written must
   * be serializable and allowed (body rules for bodies, the narrower result rules for
   * results and exceptions; a lambda's declaring class counts as written); then, for a
   * stream long enough to hold a deep graph, the bytes are read back through a filter that
   * refuses nothing but depth, since how deep a graph nests in the stream (custom
   * writeObject methods included) is known only to a reader. Reading runs the classes' own
   * readObject methods in this JVM; they are the program's own classes, and the check is
   * for tests.
   */

  /** A stream shorter than this cannot nest MAX_DEPTH objects deep. */
  private static final int DEPTH_CHECK_BYTES = 2 * TransferRules.MAX_DEPTH;

  /**
   * @throws IllegalArgumentException naming the task and the field path if {@code body}
   *     cannot cross a process boundary
   */
  static void checkBody(String task, Object body, TransferRules rules) {
    String problem = problem(body, rules, false);
    if (problem != null) {
      throw new IllegalArgumentException("task '" + task + "' captures " + problem + SUFFIX);
    }
  }

  /** The failure for a result that cannot cross a process boundary, or null if it can. */
  static @Nullable Throwable checkResult(
      String task, @Nullable Object result, TransferRules rules) {
    if (result == null) {
      return null;
    }
    String problem = problem(result, rules, true);
    if (problem == null) {
      return null;
    }
    String what =
        problem.startsWith("field '<root>'")
            ? "a value of type "
                + result.getClass().getName()
                + problem.substring(problem.indexOf(", which"))
            : "a value of type " + result.getClass().getName() + " whose " + problem;
    return new IllegalArgumentException("task '" + task + "' returned " + what + SUFFIX);
  }

  /**
   * The failure to report instead of {@code error} if a worker process could not send it back
   * as itself, or null if it could. The failure's cause is {@code error}.
   */
  static @Nullable Throwable checkException(String task, Throwable error, TransferRules rules) {
    String problem = problem(error, rules, true);
    if (problem == null) {
      return null;
    }
    String what =
        problem.startsWith("field '<root>'")
            ? problem.substring(problem.indexOf(", which") + 2)
            : "its " + problem;
    IllegalArgumentException e =
        new IllegalArgumentException(
            "task '"
                + task
                + "' threw "
                + error.getClass().getName()
                + ", "
                + what
                + "; from a worker process it would arrive only as text, a RemoteFailureException"
                + " (strict transfer check is on)",
            error);
    return e;
  }

  private static @Nullable String problem(Object root, TransferRules rules, boolean result) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    int written;
    try (Checking out = new Checking(bytes, rules, result)) {
      out.writeObject(root);
      written = out.written;
    } catch (NotSerializableException e) {
      String path =
          findPath(
              root,
              c -> !Serializable.class.isAssignableFrom(c) && !c.isArray(),
              false,
              ", which is not serializable");
      return path != null
          ? path
          : "a value of type " + e.getMessage() + ", which is not serializable";
    } catch (Refused e) {
      String path = findPath(root, c -> !allowed(rules, result, c), true, ", which " + e.why);
      return path != null ? path : "a value of type " + e.type + ", which " + e.why;
    } catch (IOException | RuntimeException | StackOverflowError e) {
      return "a value that failed to serialize: " + e;
    }
    // A reader nests one level per object (a back-reference is a leaf), so a graph of fewer
    // objects than the limit cannot exceed it: most bodies (a lambda and its few captures)
    // are never read back.
    return bytes.size() < DEPTH_CHECK_BYTES || written < TransferRules.MAX_DEPTH
        ? null
        : depthProblem(bytes.toByteArray());
  }

  private static boolean allowed(TransferRules rules, boolean result, Class<?> c) {
    return result ? rules.allowsInResult(c) : rules.allowsInBody(c);
  }

  private static @Nullable String depthProblem(byte[] bytes) {
    boolean[] tooDeep = {false};
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(
          info -> {
            if (info.depth() > TransferRules.MAX_DEPTH) {
              tooDeep[0] = true;
              return ObjectInputFilter.Status.REJECTED;
            }
            return ObjectInputFilter.Status.UNDECIDED;
          });
      in.readObject();
    } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
      // only depth is this reader's business; the rest was checked while writing
    }
    return tooDeep[0]
        ? "an object graph nested more than "
            + TransferRules.MAX_DEPTH
            + " levels deep (the limit on the depth of"
            + " what crosses a process boundary, so that reading it cannot overflow a stack)"
        : null;
  }

  /** A class the rules refuse, met while writing. */
  private static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    final String type;
    final String why;

    Refused(String type, String why) {
      super(type + " " + why, null);
      this.type = type;
      this.why = why;
    }
  }

  /** An object stream that refuses, while writing, what a reader in a worker or a runner would refuse. */
  private static final class Checking extends ObjectOutputStream {
    private final TransferRules rules;
    private final boolean result;

    /* Objects written other than classes and back-references: each passes replaceObject once. */
    int written;

    Checking(OutputStream out, TransferRules rules, boolean result) throws IOException {
      super(out);
      this.rules = rules;
      this.result = result;
      enableReplaceObject(true);
    }

    private String why() {
      return "is not on the allow-list for "
          + (result ? "results and exceptions" : "bodies, captures and inputs")
          + " ("
          + rules.describe()
          + "); allow it with RunnerOptions.transferRules(TransferRules.defaults()."
          + (result
              ? "allowResultPackages(...) or .allowResultClasses(...))"
              : "allowPackages(...)), or ProcessRunner.builder().allowPackages(...) on a process runner");
    }

    @Override
    protected void annotateClass(Class<?> c) throws IOException {
      if (!allowed(rules, result, c)) {
        throw new Refused(c.getName(), why());
      }
    }

    @Override
    protected void annotateProxyClass(Class<?> c) throws IOException {
      if (!allowed(rules, result, c)) {
        throw new Refused(
            c.getName(),
            result && !rules.lambdasAndProxiesInResults()
                ? "is a proxy, refused in results unless TransferRules.allowLambdasAndProxiesInResults(true)"
                : why());
      }
    }

    @Override
    protected Object replaceObject(Object obj) throws IOException {
      written++;
      if (obj instanceof SerializedLambda lambda) {
        String declaring = lambda.getCapturingClass().replace('/', '.');
        if (result && !rules.lambdasAndProxiesInResults()) {
          throw new Refused(
              "a lambda declared in " + declaring,
              "is refused in results unless TransferRules.allowLambdasAndProxiesInResults(true)");
        }
        if (!rules.allowsLambdaDeclaredIn(declaring)) {
          throw new Refused("a lambda declared in " + declaring, why());
        }
      }
      return obj;
    }
  }

  /*
   * Walks the object graph the way default serialization does (non-static, non-transient
   * fields of serializable classes, array elements, a serializable lambda's captured values)
   * and returns the path to the first value whose class is bad (for a lambda, with
   * byDeclaringClass, the class that declares it). Collections and maps whose
   * fields reflection cannot open (the JDK's) are walked through their elements instead,
   * as "[i]" and "[key]". Best effort: classes with custom writeObject or writeReplace are
   * walked by their fields, and other classes whose fields reflection cannot open are skipped.
   */
  private static @Nullable String findPath(
      Object root, Predicate<Class<?>> bad, boolean byDeclaringClass, String suffix) {
    Map<Object, Boolean> seen = new IdentityHashMap<>();
    ArrayDeque<Object[]> work = new ArrayDeque<>();
    work.add(new Object[] {root, "<root>"});
    while (!work.isEmpty()) {
      Object[] item = work.poll();
      Object value = item[0];
      String path = (String) item[1];
      if (seen.put(value, Boolean.TRUE) != null) {
        continue;
      }
      Class<?> type = value.getClass();
      if (byDeclaringClass && type.isHidden()) {
        if (bad.test(type.getNestHost())) {
          return "field '"
              + path
              + "', a lambda declared in class "
              + type.getNestHost().getName()
              + suffix;
        }
      } else if (bad.test(type)) {
        return "field '" + path + "' of type " + type.getName() + suffix;
      }
      if (type.isArray()) {
        if (!type.getComponentType().isPrimitive()) {
          int n = Array.getLength(value);
          for (int i = 0; i < n; i++) {
            Object element = Array.get(value, i);
            if (element != null) {
              work.add(new Object[] {element, path + "[" + i + "]"});
            }
          }
        }
        continue;
      }
      SerializedLambda lambda = serializedLambda(value);
      if (lambda != null) {
        boolean capturesThis =
            lambda.getImplMethodKind() != java.lang.invoke.MethodHandleInfo.REF_invokeStatic
                && lambda.getImplMethodKind()
                    != java.lang.invoke.MethodHandleInfo.REF_newInvokeSpecial;
        for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
          Object captured = lambda.getCapturedArg(i);
          if (captured != null) {
            String name = capturesThis && i == 0 ? "this" : "arg$" + (i + 1);
            work.add(new Object[] {captured, join(path, name)});
          }
        }
        continue;
      }
      if (!type.getModule().isOpen(type.getPackageName(), TransferCheck.class.getModule())
          && walkElements(value, path, work)) {
        continue;
      }
      for (Class<?> c = type;
          c != null && Serializable.class.isAssignableFrom(c);
          c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          int mod = f.getModifiers();
          if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.getType().isPrimitive()) {
            continue;
          }
          Object fieldValue;
          try {
            f.setAccessible(true);
            fieldValue = f.get(value);
          } catch (InaccessibleObjectException | IllegalAccessException e) {
            continue;
          }
          if (fieldValue != null) {
            work.add(new Object[] {fieldValue, join(path, f.getName())});
          }
        }
      }
    }
    return null;
  }

  /** Queues the elements of a collection or a map, by index or key; says whether it was one. */
  private static boolean walkElements(Object value, String path, ArrayDeque<Object[]> work) {
    try {
      if (value instanceof Collection<?> c) {
        int i = 0;
        for (Object e : c) {
          if (e != null) {
            work.add(
                new Object[] {e, path.equals("<root>") ? "[" + i + "]" : path + "[" + i + "]"});
          }
          i++;
        }
        return true;
      }
      if (value instanceof Map<?, ?> m) {
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          String at = path.equals("<root>") ? "" : path;
          if (e.getKey() != null) {
            work.add(new Object[] {e.getKey(), at + ".keySet()[" + i + "]"});
          }
          if (e.getValue() != null) {
            work.add(new Object[] {e.getValue(), at + "[" + abbreviated(e.getKey()) + "]"});
          }
          i++;
        }
        return true;
      }
    } catch (RuntimeException e) {
      // a collection that cannot be iterated here: its fields, if they can be opened, are walked
      // instead
    }
    return false;
  }

  private static String abbreviated(@Nullable Object key) {
    String s;
    try {
      s = String.valueOf(key);
    } catch (RuntimeException e) {
      s = "?";
    }
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static String join(String path, String name) {
    return path.equals("<root>") ? name : path + "." + name;
  }

  private static @Nullable SerializedLambda serializedLambda(Object value) {
    Class<?> type = value.getClass();
    if (!type.isSynthetic() && !type.isHidden()) {
      return null;
    }
    try {
      Method writeReplace = type.getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      return writeReplace.invoke(value) instanceof SerializedLambda s ? s : null;
    } catch (ReflectiveOperationException | InaccessibleObjectException | SecurityException e) {
      return null;
    }
  }
}
