package dev.heddle.examples;

import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.Results;
import dev.heddle.Task;
import dev.heddle.contract.Semantics;
import dev.heddle.hazelcast.ClusterMember;
import dev.heddle.hazelcast.ClusterRunner;
import dev.heddle.hazelcast.ClusterSecret;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A small local cluster running a graph: two members are started in this JVM (in production
 * each runs in a JVM of its own, on its own machine, with {@code java ...
 * dev.heddle.hazelcast.ClusterMember}), the runner joins them, and a graph that sums the
 * squares of 1..N in chunks runs on them. Each chunk says which member computed it.
 *
 * <pre>
 * ./build -pl examples -am install -DskipTests
 * java -cp "$(cat examples/target/classpath)" dev.heddle.examples.ClusterExample
 * </pre>
 *
 * <p>Options: {@code --chunks N} (default 8). Exit status: 0 on success, 2 on bad arguments.
 */
public final class ClusterExample {

  private ClusterExample() {}

  public static void main(String[] args) throws InterruptedException, IOException {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err)
      throws InterruptedException, IOException {
    int chunks = 8;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--chunks") && i + 1 < args.length) {
        chunks = Integer.parseInt(args[++i]);
      } else {
        err.println("unknown option '" + args[i] + "'; options: --chunks N");
        return 2;
      }
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    ClusterSecret secret = ClusterSecret.of(key); // in production: ClusterSecret.fromFile(path)
    String cluster = "example-" + UUID.randomUUID();
    int p1 = freePort();
    int p2 = freePort();
    List<String> addresses = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);

    Graph.Builder g = Graph.builder();
    List<Node<String>> parts = new ArrayList<>();
    for (int c = 0; c < chunks; c++) {
      long from = c * 1000L + 1;
      parts.add(
          g.add(
              Task.named("squares-" + c).semantics(Semantics.CPU),
              () -> sumOfSquares(from, from + 999)));
    }
    Node<String> total =
        g.add(Task.named("total").semantics(Semantics.CPU), parts, ClusterExample::total);
    Graph graph = g.build();

    try (ClusterMember a = member(cluster, addresses, p1, secret);
        ClusterMember b = member(cluster, addresses, p2, secret);
        ClusterRunner runner =
            ClusterRunner.builder()
                .clusterName(cluster)
                .members(addresses)
                .port(freePort())
                .secret(secret)
                .allowPackages("dev.heddle.examples")
                .build()) {
      out.println("cluster " + cluster + ": members " + a.address() + " and " + b.address());
      Results results = graph.run(runner);
      out.println(results.get(total));
    }
    return 0;
  }

  private static ClusterMember member(
      String cluster, List<String> addresses, int port, ClusterSecret secret) {
    return ClusterMember.builder()
        .clusterName(cluster)
        .members(addresses)
        .port(port)
        .capacity(2)
        .allowPackages("dev.heddle.examples")
        .secret(secret)
        .start();
  }

  /** Runs on a member: the sum of squares from {@code from} to {@code to}, and where it was computed. */
  static String sumOfSquares(long from, long to) {
    long sum = 0;
    for (long i = from; i <= to; i++) {
      sum += i * i;
    }
    return sum + " " + Thread.currentThread().getName().replaceAll("\\.cached.*|\\.thread.*", "");
  }

  static String total(List<String> parts) {
    long sum = 0;
    List<String> where = new ArrayList<>();
    for (String p : parts) {
      String[] f = p.split(" ", 2);
      sum += Long.parseLong(f[0]);
      if (!where.contains(f[1])) {
        where.add(f[1]);
      }
    }
    return "sum of squares 1.."
        + parts.size() * 1000
        + " = "
        + sum
        + ", computed on "
        + where.size()
        + " member(s)";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
