package dev.heddle;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The tasks forked into a scope so far, by name, to refuse a duplicate name at fork; used by
 * the owner's thread alone.
 */
final class ScopeNames {

  /*
   * Open addressing with linear probing over a power-of-two table at most half full, holding
   * the tasks themselves: no entry object per task (a HashMap's was 32 B a task, and its
   * allocation and rehashing were a third of the owner's samples forking a million tasks). The
   * hash is the name's own, cached by String, spread by a multiplicative step so that names
   * that differ in their last characters only (n1, n2, ...) do not fill one run of slots.
   */
  private static final int INITIAL = 16;

  private TaskNode<?>[] slots = new TaskNode<?>[INITIAL];
  private int shift = 32 - Integer.numberOfTrailingZeros(INITIAL);
  private int size;

  /** Records {@code node} under its name and returns null, or returns the task already there. */
  @Nullable TaskNode<?> putIfAbsent(TaskNode<?> node) {
    if (2 * (size + 1) > slots.length) {
      grow();
    }
    String name = node.name;
    int h = name.hashCode();
    TaskNode<?>[] s = slots;
    int mask = s.length - 1;
    for (int i = (h * 0x9E3779B9) >>> shift; ; i = (i + 1) & mask) {
      TaskNode<?> t = s[i];
      if (t == null) {
        s[i] = node;
        size++;
        return null;
      }
      if (t.name.hashCode() == h && t.name.equals(name)) { // equals tests identity first
        return t;
      }
    }
  }

  private void grow() {
    TaskNode<?>[] old = slots;
    TaskNode<?>[] s = new TaskNode<?>[old.length * 2];
    int sh = shift - 1;
    int mask = s.length - 1;
    for (TaskNode<?> t : old) {
      if (t != null) {
        int i = (t.name.hashCode() * 0x9E3779B9) >>> sh;
        while (s[i] != null) {
          i = (i + 1) & mask;
        }
        s[i] = t;
      }
    }
    slots = s;
    shift = sh;
  }

  /** Forgets every name and drops the table, so that it cannot keep the tasks alive. */
  void clear() {
    if (slots.length > INITIAL) {
      slots = new TaskNode<?>[INITIAL];
      shift = 32 - Integer.numberOfTrailingZeros(INITIAL);
    } else {
      Arrays.fill(slots, null);
    }
    size = 0;
  }
}
