import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.Results;
import dev.heddle.Runner;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a chain graph of N nodes ({@code n0 -> n1 -> ...}, each adding one to its input), runs
 * it once on {@code Runner.threads(2)}, and prints the heap retained by the graph alone and by
 * the graph plus the run's {@code Results}, per node (used heap after a full collection, before
 * and after). Then it waits on standard input, so that {@code jcmd PID GC.class_histogram} can
 * show what the nodes hold. Not a benchmark (see BENCHMARKS.md):
 *
 * <pre>
 * java -Xmx4g -cp heddle-bench/target/benchmarks.jar heddle-bench/probes/GraphHeap.java 1000000
 * </pre>
 */
public class GraphHeap {
  static long used() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = "n" + i;
    }
    long base = used();
    Graph.Builder g = Graph.builder();
    Node<Long> last = g.add(names[0], () -> 1L);
    for (int i = 1; i < n; i++) {
      last = g.add(names[i], last, a -> a + 1);
    }
    Graph graph = g.build();
    long built = used();
    System.out.printf("graph: %.1f bytes per node%n", (built - base) / (double) n);
    try (Runner runner = Runner.threads(2)) {
      Results results = graph.run(runner);
      long ran = used();
      System.out.printf("one run's results: %.1f bytes per node%n", (ran - built) / (double) n);
      System.out.println("pid " + ProcessHandle.current().pid() + "; press enter to end");
      System.in.read();
      System.out.println(results.get(last) + " " + graph.nodes().size());
    }
  }
}
