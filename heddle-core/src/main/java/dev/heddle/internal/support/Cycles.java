package dev.heddle.internal.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * Cycles among tasks that need one another: which tasks are caught in them, the shortest
 * cycle to show for each group, and the words for it. Tasks are numbered {@code 0..n-1} in
 * the order they were written; {@code needs[i]} lists the tasks that task {@code i} needs.
 */
public final class Cycles {
  private Cycles() {}

  /*
   * groups() is Tarjan's strongly connected components algorithm, run with an explicit stack
   * so that a chain of 100,000 tasks cannot overflow the thread's stack; it is linear in tasks
   * plus needs. shortest() searches breadth-first within one group only, reusing its arrays,
   * so that finding the cycle of every group is linear too.
   */

  /** How a cycle reads: each task needs the one after it. */
  public static final String ARROW = " -> ";

  /** What a spelled-out cycle is followed by, so that the reader knows which way it points. */
  public static final String DIRECTION = " (each task needs the one after it)";

  /**
   * A group of tasks that need one another in a circle, and the cycle through its first task
   * that a message shows.
   *
   * @param group the group's tasks in ascending order; a task that needs itself is a group of one
   * @param shortest the shortest cycle through the group's first task, found breadth-first in
   *     the order each task lists its needs: the tasks in order, starting with that first task,
   *     each needing the next and the last needing the first
   */
  public record Cycle(List<Integer> group, List<Integer> shortest) {}

  /**
   * Every group of tasks caught in a cycle, in the order of the group's first task; empty when
   * there is none.
   */
  public static List<Cycle> find(int[][] needs) {
    List<Cycle> found = new ArrayList<>();
    int[] parent = new int[needs.length];
    boolean[] inGroup = new boolean[needs.length];
    for (int[] group : groups(needs)) {
      for (int i : group) {
        inGroup[i] = true;
      }
      found.add(
          new Cycle(
              Arrays.stream(group).boxed().toList(), shortest(needs, group, inGroup, parent)));
      for (int i : group) {
        inGroup[i] = false;
      }
    }
    return found;
  }

  /** The strongly connected components with a cycle, each sorted, in the order of their first task. */
  private static List<int[]> groups(int[][] needs) {
    int n = needs.length;
    int[] index = new int[n];
    int[] low = new int[n];
    boolean[] onStack = new boolean[n];
    Arrays.fill(index, -1);
    Deque<Integer> stack = new ArrayDeque<>();
    List<int[]> groups = new ArrayList<>();
    int counter = 0;
    for (int s = 0; s < n; s++) {
      if (index[s] != -1) {
        continue;
      }
      Deque<int[]> work = new ArrayDeque<>();
      index[s] = low[s] = counter++;
      stack.push(s);
      onStack[s] = true;
      work.push(new int[] {s, 0});
      while (!work.isEmpty()) {
        int[] frame = work.peek();
        int v = frame[0];
        if (frame[1] < needs[v].length) {
          int w = needs[v][frame[1]++];
          if (index[w] == -1) {
            index[w] = low[w] = counter++;
            stack.push(w);
            onStack[w] = true;
            work.push(new int[] {w, 0});
          } else if (onStack[w]) {
            low[v] = Math.min(low[v], index[w]);
          }
          continue;
        }
        work.pop();
        int[] parent = work.peek();
        if (parent != null) {
          low[parent[0]] = Math.min(low[parent[0]], low[v]);
        }
        if (low[v] == index[v]) {
          List<Integer> group = new ArrayList<>();
          int w;
          do {
            w = stack.pop();
            onStack[w] = false;
            group.add(w);
          } while (w != v);
          if (group.size() > 1 || needsItself(needs, v)) {
            groups.add(group.stream().mapToInt(Integer::intValue).sorted().toArray());
          }
        }
      }
    }
    groups.sort((a, b) -> Integer.compare(a[0], b[0]));
    return groups;
  }

  private static boolean needsItself(int[][] needs, int v) {
    for (int w : needs[v]) {
      if (w == v) {
        return true;
      }
    }
    return false;
  }

  /** Breadth-first from the group's first task, visiting only the group: linear in the group. */
  private static List<Integer> shortest(
      int[][] needs, int[] group, boolean[] inGroup, int[] parent) {
    int start = group[0];
    for (int i : group) {
      parent[i] = -1;
    }
    Deque<Integer> queue = new ArrayDeque<>();
    queue.add(start);
    parent[start] = start;
    while (!queue.isEmpty()) {
      int v = queue.remove();
      for (int w : needs[v]) {
        if (w == start) {
          List<Integer> path = new ArrayList<>();
          for (int x = v; x != start; x = parent[x]) {
            path.add(x);
          }
          path.add(start);
          Collections.reverse(path);
          return List.copyOf(path);
        }
        if (inGroup[w] && parent[w] == -1) {
          parent[w] = v;
          queue.add(w);
        }
      }
    }
    throw new IllegalStateException("task " + start + " lies on no cycle of its own group");
  }

  /**
   * A cycle spelled out: {@code a -> b -> c -> a (each task needs the one after it)}.
   *
   * @param names the cycle's task names in order, without repeating the first at the end
   */
  public static String spell(List<String> names) {
    return String.join(ARROW, names) + ARROW + names.get(0) + DIRECTION;
  }
}
