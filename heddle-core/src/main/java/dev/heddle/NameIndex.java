package dev.heddle;

import java.util.function.IntFunction;

/**
 * Finds the position of a name among {@code n} distinct names, held elsewhere (a graph's
 * nodes, a run's tasks): a table of positions and nothing else, so that a graph or a run's
 * results index their tasks by name without a map entry, a boxed position or a copy of the
 * name per task.
 */
final class NameIndex {

  /*
   * Open addressing with linear probing over a power-of-two table at most half full: a slot
   * holds a position plus one, 0 when empty. The hash is the name's own (cached by String),
   * spread by a multiplicative step so that names that differ in their last characters only
   * (n1, n2, ...) do not fill one run of slots. Built once, then only read: immutable.
   */
  private final int[] slots;
  private final int shift;
  private final IntFunction<String> nameAt;

  /** Indexes the names {@code nameAt(0)} to {@code nameAt(n - 1)}, which must be distinct. */
  NameIndex(int n, IntFunction<String> nameAt) {
    int bits = Math.max(1, 33 - Integer.numberOfLeadingZeros(Math.max(1, n - 1)));
    this.slots = new int[1 << bits];
    this.shift = 32 - bits;
    this.nameAt = nameAt;
    int mask = slots.length - 1;
    for (int p = 0; p < n; p++) {
      int i = home(nameAt.apply(p));
      while (slots[i] != 0) {
        i = (i + 1) & mask;
      }
      slots[i] = p + 1;
    }
  }

  /** The name at position {@code p}. */
  String nameAt(int p) {
    return nameAt.apply(p);
  }

  /** The position of {@code name}, or -1 if it is not one of the names. */
  int find(String name) {
    int mask = slots.length - 1;
    for (int i = home(name); ; i = (i + 1) & mask) {
      int p = slots[i] - 1;
      if (p < 0) {
        return -1;
      }
      if (nameAt.apply(p).equals(name)) {
        return p;
      }
    }
  }

  private int home(String name) {
    return (name.hashCode() * 0x9E3779B9) >>> shift;
  }
}
