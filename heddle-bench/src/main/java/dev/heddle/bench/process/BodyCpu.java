package dev.heddle.bench.process;

import dev.heddle.Body0;
import dev.heddle.TransferRules;
import dev.heddle.process.internal.Transfer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link BodyCodec}'s comparison in thread CPU time rather than wall time, which a loaded
 * machine distorts much less: one trivial body written and read 20,000 times with its class
 * descriptors in full, then 20,000 times by number, in alternating rounds. Not a JMH
 * benchmark; run it with
 *
 * <pre>java -cp heddle-bench/target/benchmarks.jar dev.heddle.bench.process.BodyCpu [rounds]</pre>
 */
public final class BodyCpu {
  private BodyCpu() {}

  private static final int PER_ROUND = 20_000;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    Transfer transfer = new Transfer(TransferRules.defaults().allowPackages("dev.heddle.bench"));
    Transfer.Descriptors descriptors = new Transfer.Descriptors();
    Transfer.Known known = new Transfer.Known();
    Body0<Integer> body = RoundTrip.one();
    byte[] first = transfer.serializeChecked(body, "task 'one'", descriptors);
    known.define(descriptors.definitions(0, descriptors.size()));
    transfer.deserialize(first, "task 'one'", Transfer.Kind.BODY, known);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    StringBuilder out = new StringBuilder();
    for (int round = 0; round < rounds; round++) {
      long c0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < PER_ROUND; i++) {
        byte[] bytes = transfer.serializeChecked(body, "task 'one'");
        transfer.deserialize(bytes, "task 'one'", Transfer.Kind.BODY);
      }
      long c1 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < PER_ROUND; i++) {
        byte[] bytes = transfer.serializeChecked(body, "task 'one'", descriptors);
        transfer.deserialize(bytes, "task 'one'", Transfer.Kind.BODY, known);
      }
      long c2 = threads.getCurrentThreadCpuTime();
      double full = (c1 - c0) / 1e3 / PER_ROUND;
      double numbered = (c2 - c1) / 1e3 / PER_ROUND;
      out.append(
          String.format(
              "round %d: full descriptors %.2f us CPU, by number %.2f us CPU, ratio %.2f%n",
              round, full, numbered, full / numbered));
    }
    System.out.print(out);
  }
}
