package dev.heddle.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.Graph;
import dev.heddle.Node;
import dev.heddle.Runner;
import dev.heddle.RunnerOptions;
import dev.heddle.Scope;
import dev.heddle.Task;
import dev.heddle.TaskFailedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A failure names the line that forked the failed task. This test lives outside dev.heddle on
 * purpose: frames of dev.heddle, where the engine and the in-JVM runners live, are Heddle's own and are skipped.
 */
class SubmitSiteTest {

  /** The line of the caller. */
  private static int callerLine() {
    return StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).orElseThrow().getLineNumber();
  }

  /** Submit sites are off by default; these tests turn them on. */
  private static final RunnerOptions SITES = RunnerOptions.defaults().recordSubmitSites(true);

  private static String site(String method, int line) {
    return SubmitSiteTest.class.getName() + "." + method + "(SubmitSiteTest.java:" + line + ")";
  }

  private static final int FAIL_LINE = callerLine() + 3;

  private static Integer fail() {
    throw new IllegalStateException("boom");
  }

  @Test
  void failure_namesTheFileAndLineThatForkedTheTask() throws InterruptedException {
    try (Runner runner = Runner.inline(SITES);
        Scope scope = Scope.open(runner)) {
      int line = callerLine() + 1;
      scope.fork("boom", SubmitSiteTest::fail);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      String m = String.valueOf(e.getMessage());
      assertTrue(
          m.contains(
              "\n  forked at: " + site("failure_namesTheFileAndLineThatForkedTheTask", line)),
          m);
      // The exception's stack trace points at the fork too.
      StackTraceElement top = e.getStackTrace()[0];
      assertEquals(SubmitSiteTest.class.getName(), top.getClassName());
      assertEquals("SubmitSiteTest.java", top.getFileName());
      assertEquals(line, top.getLineNumber());
    }
  }

  @Test
  void failure_onAThreadPool_namesTheLineThatForkedTheTask() throws InterruptedException {
    try (Runner runner = Runner.threads(2, SITES);
        Scope scope = Scope.open(runner)) {
      scope.fork("ok", () -> 1);
      int line = callerLine() + 1;
      scope.fork("boom", SubmitSiteTest::fail);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      assertTrue(
          String.valueOf(e.getMessage())
              .contains(
                  "forked at: "
                      + site("failure_onAThreadPool_namesTheLineThatForkedTheTask", line)),
          e.getMessage());
    }
  }

  @Test
  void graphFailure_namesTheLineThatAddedTheNode() throws InterruptedException {
    Graph.Builder g = Graph.builder();
    Node<Integer> a = g.add("a", () -> 1);
    int line = callerLine() + 1;
    g.add("boom", a, x -> fail());
    Graph graph = g.build();
    try (Runner runner = Runner.inline()) {
      TaskFailedException e = assertThrows(TaskFailedException.class, () -> graph.run(runner));
      assertTrue(
          String.valueOf(e.getMessage())
              .contains("forked at: " + site("graphFailure_namesTheLineThatAddedTheNode", line)),
          e.getMessage());
    }
  }

  private static Integer failIf(String name, String failing) {
    if (name.equals(failing)) {
      throw new IllegalStateException("boom");
    }
    return 1;
  }

  /** A graph whose task {@code failing} fails; {@code lines} gets the lines that add its tasks. */
  private static Graph graphFailingAt(String failing, int[] lines) {
    Graph.Builder g = Graph.builder();
    Node<Integer> a = g.add("a", () -> 1);
    lines[0] = callerLine() + 3;
    for (int i = 0; i < 2; i++) {
      String name = "loop" + i;
      g.add(name, a, x -> failIf(name, failing));
    }
    lines[1] = addFailing(g, a, 1, failing);
    lines[2] = addFailing(g, a, "s", failing);
    return g.build();
  }

  // Two overloads of one shape: each adds its task at the same bytecode index.
  private static int addFailing(Graph.Builder g, Node<Integer> a, int tag, String failing) {
    String name = "n" + tag;
    int line = callerLine() + 1;
    g.add(name, a, x -> failIf(name, failing));
    return line;
  }

  private static int addFailing(Graph.Builder g, Node<Integer> a, String tag, String failing) {
    String name = "n" + tag;
    int line = callerLine() + 1;
    g.add(name, a, x -> failIf(name, failing));
    return line;
  }

  @Test
  void graphFailures_ofNodesAddedFromOneLineOrFromOverloads_nameTheLineThatAddedEach()
      throws InterruptedException {
    String[] failing = {"loop0", "loop1", "n1", "ns"};
    String[] methods = {"graphFailingAt", "graphFailingAt", "addFailing", "addFailing"};
    int[] lineOf = {0, 0, 1, 2};
    for (int i = 0; i < failing.length; i++) {
      int[] lines = new int[3];
      Graph graph = graphFailingAt(failing[i], lines);
      try (Runner runner = Runner.inline()) {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> graph.run(runner));
        String m = String.valueOf(e.getMessage());
        assertTrue(m.startsWith("task '" + failing[i] + "' failed"), m);
        assertTrue(m.contains("forked at: " + site(methods[i], lines[lineOf[i]])), m);
      }
    }
  }

  @Test
  void graphFailure_namesTheLineThatAddedTheNode_evenWhenTheRunnerRecordsNoSites()
      throws InterruptedException {
    // Documented: graph nodes always record where they were added, once, at build time.
    Graph.Builder g = Graph.builder();
    int line = callerLine() + 1;
    g.add("boom", () -> fail());
    Graph graph = g.build();
    try (Runner runner = Runner.inline(RunnerOptions.defaults().recordSubmitSites(false))) {
      TaskFailedException e = assertThrows(TaskFailedException.class, () -> graph.run(runner));
      assertTrue(
          String.valueOf(e.getMessage())
              .contains(
                  "forked at: "
                      + site(
                          "graphFailure_namesTheLineThatAddedTheNode_evenWhenTheRunnerRecordsNoSites",
                          line)),
          e.getMessage());
    }
  }

  @Test
  void failure_withoutRecordedSubmitSites_hasNoForkedAt_butNamesWhereTheBodyIs()
      throws InterruptedException {
    try (Runner runner = Runner.inline(RunnerOptions.defaults().recordSubmitSites(false));
        Scope scope = Scope.open(runner)) {
      scope.fork("boom", SubmitSiteTest::fail);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      String m = String.valueOf(e.getMessage());
      assertTrue(m.startsWith("task 'boom' failed on inline"), m);
      assertFalse(m.contains("forked at"), m);
      // The method reference's method is the body: the line that threw, in fail().
      assertTrue(m.contains("\n  body at: " + site("fail", FAIL_LINE)), m);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inline", "threads", "virtual"})
  void failure_withoutRecordedSubmitSites_namesTheBodysLine_notTheLibraryThatThrew(String kind)
      throws InterruptedException {
    RunnerOptions off = RunnerOptions.defaults().recordSubmitSites(false);
    Runner runner =
        switch (kind) {
          case "inline" -> Runner.inline(off);
          case "threads" -> Runner.threads(2, off);
          default -> Runner.virtual(off);
        };
    int[] line = new int[1];
    try (runner;
        Scope scope = Scope.open(runner)) {
      scope.fork(
          "parse",
          () -> {
            line[0] = callerLine() + 1;
            return Integer.parseInt("not a number"); // throws inside the JDK
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      String m = String.valueOf(e.getMessage());
      int at = m.indexOf("\n  body at: " + SubmitSiteTest.class.getName() + ".lambda$");
      assertTrue(at > 0, m);
      assertTrue(m.indexOf("(SubmitSiteTest.java:" + line[0] + ")", at) > at, m);
    }
  }

  @Test
  void timeout_withoutRecordedSubmitSites_namesTheBodyThatWasRunning() throws InterruptedException {
    try (Runner runner = Runner.threads(2, RunnerOptions.defaults().recordSubmitSites(false));
        Scope scope = Scope.open(runner)) {
      scope.fork(
          Task.named("slow").timeout(Duration.ofMillis(50)),
          () -> {
            Thread.sleep(60_000); // interrupted by the timeout
            return 1;
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      String m = String.valueOf(e.getMessage());
      assertTrue(m.contains("TaskTimeoutException"), m);
      assertTrue(
          m.contains(
              "\n  body at: "
                  + SubmitSiteTest.class.getName()
                  + ".lambda$timeout_withoutRecordedSubmitSites"),
          m);
    }
  }

  @Test
  void failure_whoseExceptionHasNoStackTrace_namesNoBody() throws InterruptedException {
    try (Runner runner = Runner.threads(2, RunnerOptions.defaults().recordSubmitSites(false));
        Scope scope = Scope.open(runner)) {
      scope.fork(
          "bare",
          () -> {
            throw new RuntimeException("made without a trace", null, false, false) {};
          });
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      String m = String.valueOf(e.getMessage());
      assertTrue(m.contains("made without a trace"), m);
      assertFalse(m.contains("body at"), m);
    }
  }

  @Test
  void failure_withRecordedSubmitSites_namesTheForkNotTheBody() throws InterruptedException {
    try (Runner runner = Runner.threads(2, SITES);
        Scope scope = Scope.open(runner)) {
      scope.fork("boom", SubmitSiteTest::fail);
      TaskFailedException e = assertThrows(TaskFailedException.class, scope::join);
      String m = String.valueOf(e.getMessage());
      assertTrue(m.contains("forked at: "), m);
      assertFalse(m.contains("body at"), m);
    }
  }

  @Test
  void duplicateName_namesTheLineThatForkedTheFirstTask() throws InterruptedException {
    try (Runner runner = Runner.inline(SITES);
        Scope scope = Scope.open(runner)) {
      int line = callerLine() + 1;
      scope.fork("fetch", () -> 1);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> scope.fork("fetch", () -> 2));
      assertEquals(
          "duplicate task name 'fetch': a task of that name was already forked in this scope at "
              + site("duplicateName_namesTheLineThatForkedTheFirstTask", line)
              + "; names must be unique in a scope",
          String.valueOf(e.getMessage()));
      scope.join();
    }
  }

  @Test
  void duplicateName_withoutRecordedSubmitSites_namesNoLine() throws InterruptedException {
    try (Runner runner = Runner.inline(RunnerOptions.defaults().recordSubmitSites(false));
        Scope scope = Scope.open(runner)) {
      scope.fork("fetch", () -> 1);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> scope.fork("fetch", () -> 2));
      assertEquals(
          "duplicate task name 'fetch': a task of that name was already forked in this scope"
              + "; names must be unique in a scope",
          String.valueOf(e.getMessage()));
      scope.join();
    }
  }
}
