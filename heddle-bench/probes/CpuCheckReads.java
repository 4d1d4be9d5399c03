import dev.heddle.Runner;
import dev.heddle.Scope;
import dev.heddle.contract.Semantics;
import dev.heddle.Task;

/**
 * Runs scopes of 100,000 empty tasks on {@code Runner.threads(2)}, declared {@code CPU} or
 * {@code TRIVIAL} (the tasks of {@code SemanticsCheckCost}), and prints each scope's time. Not a
 * benchmark: run it under {@code strace} to count the CPU check's reads of the thread's clocks
 * (see BENCHMARKS.md, "The CPU check: is renewing the reading what it costs?"):
 *
 * <pre>
 * strace -f -qq --seccomp-bpf -e trace=lseek -c -o counts.txt \
 *   java -cp heddle-bench/target/benchmarks.jar heddle-bench/probes/CpuCheckReads.java cpu 3
 * </pre>
 */
public class CpuCheckReads {
  public static void main(String[] args) throws InterruptedException {
    Semantics declared = args[0].equals("cpu") ? Semantics.CPU : Semantics.TRIVIAL;
    int scopes = Integer.parseInt(args[1]);
    int n = 100_000;
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = "t" + i;
    }
    try (Runner runner = Runner.threads(2)) {
      for (int round = 0; round < scopes; round++) {
        long start = System.nanoTime();
        try (Scope scope = Scope.open(runner)) {
          for (int i = 0; i < n; i++) {
            int v = i;
            scope.fork(Task.named(names[i]).semantics(declared), () -> v);
          }
          scope.join();
        }
        System.out.println(
            args[0] + " scope " + round + ": " + (System.nanoTime() - start) / 1_000_000 + " ms");
      }
    }
  }
}
