package dev.heddle;

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
   * chunk table) and then publishes with the volatile write of `size`; a reader reads `size`
   * first, then `chunks`, and so sees every element below the size it read.
   */
  private static final int SHIFT = 10;
  private static final int CHUNK = 1 << SHIFT;

  private volatile TaskNode<?>[][] chunks = new TaskNode<?>[4][];
  private volatile int size;

  void add(TaskNode<?> node) {
    int i = size;
    int c = i >>> SHIFT;
    TaskNode<?>[][] table = chunks;
    if (c == table.length) {
      table = Arrays.copyOf(table, table.length * 2);
    }
    TaskNode<?>[] chunk = table[c];
    if (chunk == null) {
      chunk = new TaskNode<?>[CHUNK];
      table[c] = chunk;
    }
    chunk[i & (CHUNK - 1)] = node;
    chunks = table;
    size = i + 1;
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
