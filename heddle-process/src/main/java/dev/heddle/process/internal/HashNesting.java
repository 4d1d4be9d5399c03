package dev.heddle.process.internal;

import java.io.ObjectInputFilter;
import java.util.Arrays;
import java.util.Map;

/**
 * Bounds how deeply hash-based collections nest inside one another in a stream being read,
 * for one stream: a deserialization filter's helper, fed every call the filter gets.
 */
final class HashNesting {

  /*
   * The "SerialDOS" stream: a HashSet whose elements are two HashSets, each holding the same
   * two HashSets of the next level, and so on, 100 levels deep, in a few kilobytes. Putting
   * an element into a set while reading computes its hashCode, which walks every path
   * through the levels below: 2^100 steps. Nesting, not size, is what costs.
   *
   * HashMap, HashSet, Hashtable and their subclasses each check the length of their table
   * with the filter as they start reading their contents, as an array of Map.Entry, at the
   * depth of the collection itself. Every object read but a string or null (which hold
   * nothing) triggers a filter call at its own depth (for its class, a reference to its
   * class, or a reference to the object), and everything read inside a collection is deeper
   * than it. So a call at depth d means that every collection opened at depth d
   * or deeper has been read completely; the collections still open are those on the stack
   * with a smaller depth.
   */

  /** How many hash-based collections may be open inside one another. */
  static final int MAX = 16;

  private final long[] open = new long[MAX];
  private int size;
  private boolean refused;

  /** Whether the stream may go on after {@code info}; false when one more hash-based collection would pass {@link #MAX}. */
  boolean admit(ObjectInputFilter.FilterInfo info) {
    long depth = info.depth();
    while (size > 0 && open[size - 1] >= depth) {
      size--;
    }
    if (info.serialClass() != Map.Entry[].class) {
      return true;
    }
    if (size == MAX) {
      refused = true;
      return false;
    }
    open[size++] = depth;
    return true;
  }

  /** Whether a collection was refused for nesting too deep. */
  boolean refused() {
    return refused;
  }

  @Override
  public String toString() {
    return "HashNesting" + Arrays.toString(Arrays.copyOf(open, size));
  }
}
