package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.heddle.it.AddSites;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** A graph's nodes keep one frame per place they were added from, not one per node. */
class GraphAddSiteTest {

  @Test
  void nodesAddedFromOneLine_shareOneSiteFrame_andOtherLinesHaveTheirOwn() {
    Graph.Builder g = Graph.builder();
    List<Node<Integer>> loop = new ArrayList<>(AddSites.threeFromOneLineThenOne(g));
    Node<Integer> other = loop.remove(3);
    g.build();
    StackWalker.StackFrame first = Objects.requireNonNull(loop.get(0).submitSite);
    assertEquals(AddSites.class.getName(), first.getClassName());
    for (Node<Integer> n : loop) {
      assertSame(first, n.submitSite);
    }
    assertEquals(
        first.toStackTraceElement().getLineNumber() + 2,
        Objects.requireNonNull(other.submitSite).toStackTraceElement().getLineNumber());
  }
}
