import dev.heddle.Graph;
import dev.heddle.Node;
import java.lang.management.ManagementFactory;

/**
 * What building a graph costs the building thread per node, in CPU time and in bytes
 * allocated, read from the thread's own counters (so a loaded machine inflates it far less
 * than wall time): a chain of N nodes, each added from one line, built R times; the best
 * round is printed. Not a benchmark (JMH's GraphBuild is; see BENCHMARKS.md), a profile:
 *
 * <pre>
 * java -cp heddle-bench/target/benchmarks.jar heddle-bench/probes/GraphBuildCost.java 100000 20
 * </pre>
 */
public class GraphBuildCost {
  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = "n" + i;
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long bestCpu = Long.MAX_VALUE;
    long bestBytes = Long.MAX_VALUE;
    int size = 0;
    for (int r = 0; r < rounds; r++) {
      long cpu = threads.getCurrentThreadCpuTime();
      long bytes = threads.getCurrentThreadAllocatedBytes();
      Graph.Builder g = Graph.builder();
      Node<Long> last = g.add(names[0], () -> 1L);
      for (int i = 1; i < n; i++) {
        last = g.add(names[i], last, a -> a + 1);
      }
      size += g.build().size();
      bestCpu = Math.min(bestCpu, threads.getCurrentThreadCpuTime() - cpu);
      bestBytes = Math.min(bestBytes, threads.getCurrentThreadAllocatedBytes() - bytes);
    }
    System.out.printf(
        "per node: %.2f us of CPU, %.0f bytes allocated (best of %d rounds of %d; %d)%n",
        bestCpu / 1e3 / n, bestBytes / (double) n, rounds, n, size);
  }
}
