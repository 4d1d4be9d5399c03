package dev.heddle;

/**
 * The names forked so far into one scope, so that a duplicate is refused at fork: a table of
 * hashes and positions in the scope's {@link NodeList}, and nothing else. Owner only.
 *
 * <p>A {@code HashMap} made a 32-byte entry per task and, when it grew, visited every entry
 * again; on a scope of a million tiny tasks that was a third of the forking thread's time.
 * Here a task costs one {@code long} slot (two at most, the table being at most half full);
 * a new name is one probe in the common case, and growing reads the slots alone, never the
 * tasks.
 */
final class ForkedNames {

  /*
   * Open addressing with linear probing over a power-of-two table. A slot holds the name's
   * hash in its high 32 bits and the task's position plus one in its low 32 bits, so 0 means
   * empty and a probe compares names (a read of the task) only when the hashes are equal.
   */
  private static final int FIRST = 16;

  private long[] slots = new long[FIRST];
  private int shift = 32 - Integer.numberOfTrailingZeros(FIRST);
  private int count;

  /**
   * Records {@code name} for the task at {@code position} of {@code nodes}, unless a task of
   * that name is already there.
   *
   * @return -1 if recorded, else the position of the earlier task of that name
   */
  int putIfAbsent(String name, int position, NodeList nodes) {
    if (count >= slots.length >>> 1) {
      grow();
    }
    int hash = name.hashCode();
    long[] table = slots;
    int mask = table.length - 1;
    for (int i = home(hash, shift); ; i = (i + 1) & mask) {
      long slot = table[i];
      if (slot == 0) {
        table[i] = ((long) hash << 32) | (position + 1L);
        count++;
        return -1;
      }
      if ((int) (slot >>> 32) == hash) {
        int p = (int) slot - 1;
        if (nodes.get(p).name.equals(name)) {
          return p;
        }
      }
    }
  }

  /** Forgets every name, and the table with them. */
  void clear() {
    slots = new long[FIRST];
    shift = 32 - Integer.numberOfTrailingZeros(FIRST);
    count = 0;
  }

  private void grow() {
    long[] old = slots;
    long[] table = new long[old.length << 1];
    int newShift = shift - 1;
    int mask = table.length - 1;
    for (long slot : old) {
      if (slot != 0) {
        int i = home((int) (slot >>> 32), newShift);
        while (table[i] != 0) {
          i = (i + 1) & mask;
        }
        table[i] = slot;
      }
    }
    slots = table;
    shift = newShift;
  }

  /** Spread by a multiplicative step, so that names like t1, t2, ... do not fill one run. */
  private static int home(int hash, int shift) {
    return (hash * 0x9E3779B9) >>> shift;
  }
}
