package dev.heddle.it;

import dev.heddle.Graph;
import dev.heddle.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds graph nodes from user code (outside dev.heddle, whose frames are Heddle's own), for
 * tests in dev.heddle that look at what a node records.
 */
public final class AddSites {
  private AddSites() {}

  /** Adds three nodes from one line, then one from the line two below it. */
  public static List<Node<Integer>> threeFromOneLineThenOne(Graph.Builder g) {
    List<Node<Integer>> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(g.add("loop" + i, () -> 1));
    }
    nodes.add(g.add("other", () -> 2));
    return nodes;
  }
}
