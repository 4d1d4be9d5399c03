package dev.heddle;

import java.util.Arrays;
import java.util.HashMap;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The names forked so far into one scope, so that a duplicate is refused at fork. Owner only.
 *
 * <p>A task's name is recorded by its position in the scope's {@link NodeList}: a hash and a
 * link per position, and a table of chain heads, 12 to 16 bytes per task and no object. A
 * {@code HashMap} made a 32-byte entry per task. The table is spread as {@code HashMap}
 * spreads it, which keeps names made in a loop ({@code t1}, {@code t2}, ...) in neighbouring
 * slots: a scrambling hash sent each fork of a large scope to a random slot of a table far
 * larger than the cache, and that miss was half of the forking thread's time (BENCHMARKS.md,
 * "The scope's name check").
 *
 * <p>Names that share a hash all land in one chain. Past {@link #LONG_CHAIN} links the names
 * move to a {@code HashMap}, whose bins of equal hashes become trees, so that no choice of
 * names makes a fork cost more than a logarithm of the scope's size.
 */
final class ForkedNames {

  private static final int FIRST = 16;
  static final int LONG_CHAIN = 32;

  /** Chain heads by spread hash: a position plus one, 0 when empty. */
  private int[] heads = new int[FIRST];

  /** By position: the name's hash, and the next position of its chain plus one (0 ends). */
  private int[] hashes = new int[FIRST];

  private int[] next = new int[FIRST];
  private int count;

  /** Every name, once a chain grew long; then the arrays are no longer used. */
  private @Nullable HashMap<String, Integer> byName;

  /** The name of the task at a position. */
  private final IntFunction<String> nameAt;

  /**
   * @param nameAt the name of the task at a position, for every position recorded so far
   */
  ForkedNames(IntFunction<String> nameAt) {
    this.nameAt = nameAt;
  }

  /**
   * Records {@code name} for the next position (0, then 1, ...), unless it is already
   * recorded. The caller places the task at that position at once: from then on {@code
   * nameAt} must give its name.
   *
   * @return -1 if recorded, else the position of the earlier task of that name
   */
  int putIfAbsent(String name) {
    int position = count;
    HashMap<String, Integer> map = byName;
    if (map != null) {
      Integer earlier = map.putIfAbsent(name, position);
      if (earlier != null) {
        return earlier;
      }
      count++;
      return -1;
    }
    if (position == heads.length) {
      rehash(heads.length << 1);
    }
    int hash = name.hashCode();
    int bucket = spread(hash) & (heads.length - 1);
    int links = 0;
    for (int p = heads[bucket] - 1; p >= 0; p = next[p] - 1) {
      if (hashes[p] == hash && nameAt.apply(p).equals(name)) {
        return p;
      }
      if (++links == LONG_CHAIN) {
        Integer earlier = moveToMap().putIfAbsent(name, position);
        if (earlier != null) {
          return earlier;
        }
        count++;
        return -1;
      }
    }
    if (position == hashes.length) {
      hashes = Arrays.copyOf(hashes, position << 1);
      next = Arrays.copyOf(next, position << 1);
    }
    hashes[position] = hash;
    next[position] = heads[bucket];
    heads[bucket] = position + 1;
    count++;
    return -1;
  }

  /** Forgets every name, and the tables with them. */
  void clear() {
    heads = new int[FIRST];
    hashes = new int[FIRST];
    next = new int[FIRST];
    count = 0;
    byName = null;
  }

  /** Whether the names have moved to a map: for tests. */
  boolean movedToMap() {
    return byName != null;
  }

  private HashMap<String, Integer> moveToMap() {
    HashMap<String, Integer> map = new HashMap<>(Math.max(16, count * 2));
    for (int p = 0; p < count; p++) {
      map.put(nameAt.apply(p), p);
    }
    byName = map;
    heads = new int[0];
    hashes = new int[0];
    next = new int[0];
    return map;
  }

  private void rehash(int size) {
    int[] table = new int[size];
    int mask = size - 1;
    for (int p = 0; p < count; p++) {
      int bucket = spread(hashes[p]) & mask;
      next[p] = table[bucket];
      table[bucket] = p + 1;
    }
    heads = table;
  }

  /** As {@code HashMap} spreads: the high half folded into the low, nothing scrambled. */
  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }
}
