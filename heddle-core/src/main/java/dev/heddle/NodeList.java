package dev.heddle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The tasks of one execution, in fork order: appended by the owner only, read by any
 * thread. Stored in chunks of 1,024 so that a scope of a million tasks never allocates one
 * huge array (which G1 would place in the old generation, where, once dead, it keeps young
 * tasks alive until a concurrent cycle).
 */
final class NodeList {

  /*
   * Single writer. The writer stores the element (and, when needed, a new chunk and a new
   * chunk table, written to `chunks` only then) and then publishes with a release write of
   * `size`; a reader reads `size` first (a volatile read), then `chunks`, and so sees every
   * element below the size it read. The release write is a plain store on x86, where a
   * volatile one is a full fence: the owner adds a task per fork, so that fence was on every
   * fork.
   */
  private static final int SHIFT = 10;
  private static final int CHUNK = 1 << SHIFT;

  private volatile TaskNode<?>[][] chunks = new TaskNode<?>[4][];
  private volatile int size;

  private static final VarHandle SIZE;

  static {
    try {
      SIZE = MethodHandles.lookup().findVarHandle(NodeList.class, "size", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  void add(TaskNode<?> node) {
    int i = size;
    int c = i >>> SHIFT;
    TaskNode<?>[][] table = chunks;
    if (c == table.length) {
      table = Arrays.copyOf(table, table.length * 2);
      chunks = table;
    }
    TaskNode<?>[] chunk = table[c];
    if (chunk == null) {
      chunk = new TaskNode<?>[CHUNK];
      table[c] = chunk;
    }
    chunk[i & (CHUNK - 1)] = node;
    SIZE.setRelease(this, i + 1);
  }

  int size() {
    return size;
  }

  TaskNode<?> get(int i) {
    return chunks[i >>> SHIFT][i & (CHUNK - 1)];
  }

  void forEach(Consumer<TaskNode<?>> action) {
    int n = size;
    TaskNode<?>[][] table = chunks;
    for (int i = 0; i < n; i++) {
      action.accept(table[i >>> SHIFT][i & (CHUNK - 1)]);
    }
  }
}
