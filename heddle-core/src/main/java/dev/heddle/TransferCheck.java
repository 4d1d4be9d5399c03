package dev.heddle;

import java.io.IOException;
import java.io.NotSerializableException;
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
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The strict transfer check: serializes a body or a result as a runner in another process
 * would, and when that fails, names the path of the field that could not be serialized.
 */
final class TransferCheck {
  private TransferCheck() {}

  /**
   * @throws IllegalArgumentException naming the task and the field path if {@code body}
   *     cannot be serialized
   */
  static void checkBody(String task, Object body) {
    String problem = problem(body);
    if (problem != null) {
      throw new IllegalArgumentException("task '" + task + "' captures " + problem
          + "; it could not cross a process boundary (strict transfer check is on)");
    }
  }

  /** The failure for a result that cannot be serialized, or null if it can. */
  static @Nullable Throwable checkResult(String task, @Nullable Object result) {
    if (result == null) {
      return null;
    }
    String problem = problem(result);
    if (problem == null) {
      return null;
    }
    String what = problem.startsWith("field '<root>'")
        ? "a value of type " + result.getClass().getName() + ", which is not serializable"
        : "a value of type " + result.getClass().getName() + " whose " + problem;
    return new IllegalArgumentException("task '" + task + "' returned " + what
        + "; it could not cross a process boundary (strict transfer check is on)");
  }

  private static @Nullable String problem(Object root) {
    try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
      out.writeObject(root);
      return null;
    } catch (NotSerializableException e) {
      String path = findPath(root);
      return path != null ? path : "a value of type " + e.getMessage() + ", which is not serializable";
    } catch (IOException | RuntimeException | StackOverflowError e) {
      return "a value that failed to serialize: " + e;
    }
  }

  /*
   * Walks the object graph the way default serialization does (non-static, non-transient
   * fields of serializable classes, array elements, a serializable lambda's captured values)
   * and returns the path to the first value that is not serializable. Best effort: classes
   * with custom writeObject or writeReplace are walked by their fields, and classes whose
   * fields reflection cannot open are skipped.
   */
  private static @Nullable String findPath(Object root) {
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
      if (!(value instanceof Serializable)) {
        return "field '" + path + "' of type " + type.getName() + ", which is not serializable";
      }
      SerializedLambda lambda = serializedLambda(value);
      if (lambda != null) {
        boolean capturesThis = lambda.getImplMethodKind() != java.lang.invoke.MethodHandleInfo.REF_invokeStatic
            && lambda.getImplMethodKind() != java.lang.invoke.MethodHandleInfo.REF_newInvokeSpecial;
        for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
          Object captured = lambda.getCapturedArg(i);
          if (captured != null) {
            String name = capturesThis && i == 0 ? "this" : "arg$" + (i + 1);
            work.add(new Object[] {captured, join(path, name)});
          }
        }
        continue;
      }
      for (Class<?> c = type; c != null && Serializable.class.isAssignableFrom(c); c = c.getSuperclass()) {
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
