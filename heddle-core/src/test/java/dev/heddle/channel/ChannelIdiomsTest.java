package dev.heddle.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Handle;
import dev.heddle.Runner;
import dev.heddle.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The channel idioms of docs/guide/channels.md, run. Each example of the guide is a region of
 * this file (between "// idiom: NAME" and "// end"), and a test checks that the guide shows it
 * as it is here, so the guide cannot drift from code that compiles and works.
 */
@Timeout(60)
@SuppressWarnings(
    "NullAway") // the idioms' tasks return null, as a user's do when only their effect counts
class ChannelIdiomsTest {

  @Test
  void pipelineStage_forwardsEachElement_andClosesItsOutputAtTheEnd() throws InterruptedException {
    try (Runner runner = Runner.virtual();
        Scope scope = Scope.open(runner)) {
      Channel<Integer> numbers = Channel.rendezvous("numbers");
      Channel<Integer> squares = Channel.buffered("squares", 4);
      scope.fork(
          "numbers",
          () -> {
            for (int i = 1; i <= 4; i++) {
              numbers.send(i);
            }
            numbers.close();
            return null;
          });
      // idiom: pipeline-stage
      scope.fork(
          "square",
          () -> {
            // send may block: the action may throw InterruptedException
            numbers.forEachUntilDone(n -> squares.send(n * n));
            squares.close(); // the end of the input is the end of the output
            return null;
          });
      // end
      List<Integer> got = new ArrayList<>();
      Handle<List<Integer>> all =
          scope.fork(
              "collect",
              () -> {
                squares.forEachUntilDone(got::add);
                return got;
              });
      scope.join();
      assertEquals(List.of(1, 4, 9, 16), all.get());
    }
  }

  @Test
  void workerPool_onAChannel_fansOutThenFansInAndEnds() throws InterruptedException {
    try (Runner runner = Runner.virtual();
        Scope scope = Scope.open(runner)) {
      // idiom: worker-pool
      Channel<Integer> jobs = Channel.buffered("jobs", 16);
      Channel<Integer> results = Channel.buffered("results", 16);
      scope.fork(
          "produce",
          () -> {
            for (int job = 1; job <= 100; job++) {
              jobs.send(job);
            }
            jobs.close(); // workers drain what is left, then end
            return null;
          });
      List<Handle<Object>> workers = new ArrayList<>();
      for (int w = 1; w <= 4; w++) { // fan-out: 4 workers share one channel
        workers.add(
            scope.fork(
                "worker-" + w,
                () -> {
                  jobs.forEachUntilDone(job -> results.send(job * 10));
                  return null;
                }));
      }
      // Fan-in: a task that takes all the workers (the list form) closes results after the last.
      scope.fork(
          "close-results",
          workers,
          done -> {
            results.close();
            return null;
          });
      Handle<Integer> total =
          scope.fork(
              "sum",
              () -> {
                int[] sum = {0};
                results.forEachUntilDone(r -> sum[0] += r);
                return sum[0];
              });
      scope.join();
      // end
      assertEquals(50_500, total.get());
    }
  }

  @Test
  void forEachUntilDone_whoseNextStageClosed_endsWithChannelClosedException()
      throws InterruptedException {
    Channel<Integer> in = Channel.unlimited("in");
    Channel<Integer> out = Channel.unlimited("out");
    in.send(1);
    out.close();
    try {
      in.forEachUntilDone(out::send);
      throw new AssertionError("a send to a closed channel did not end the loop");
    } catch (ChannelClosedException expected) {
      assertTrue(String.valueOf(expected.getMessage()).contains("out"), expected.getMessage());
    }
  }

  @Test
  void guide_showsEachIdiomAsItIsInThisFile() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    String guide = Files.readString(root.resolve("docs/guide/channels.md"));
    String source =
        Files.readString(
            root.resolve("heddle-core/src/test/java/dev/heddle/channel/ChannelIdiomsTest.java"));
    Matcher region =
        Pattern.compile("// idiom: ([a-z-]+)\n(.*?)\n\\s*// end", Pattern.DOTALL).matcher(source);
    int found = 0;
    while (region.find()) {
      String code = region.group(2).stripIndent().strip();
      assertTrue(
          guide.contains("```java\n" + code + "\n```"),
          "docs/guide/channels.md does not show idiom '"
              + region.group(1)
              + "' as ChannelIdiomsTest has it:\n"
              + code);
      found++;
    }
    assertEquals(2, found);
  }
}
