package dev.heddle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The cluster example starts two members and a runner, and computes the right sum on them. */
class ClusterExampleTest {

  @Test
  void clusterExample_sumsOnTheLocalCluster() throws java.io.IOException, InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        ClusterExample.run(
            new String[] {"--chunks", "4"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, printed + err.toString(StandardCharsets.UTF_8));
    long n = 4000;
    assertTrue(
        printed.contains("sum of squares 1..4000 = " + n * (n + 1) * (2 * n + 1) / 6), printed);
  }
}
