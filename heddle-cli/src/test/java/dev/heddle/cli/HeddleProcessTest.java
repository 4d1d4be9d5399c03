package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The test kit's own promise: a process that does not end fails the test at its deadline. */
class HeddleProcessTest {

  @Test
  void aProcessThatOutlivesTheDeadlineFailsTheTestAndIsKilledWithWhatItStarted()
      throws IOException, InterruptedException {
    String marker = "sleep " + HeddleProcess.uniqueSleep(300, 7);
    Process p = new ProcessBuilder("sh", "-c", "echo started; " + marker + " & " + marker).start();

    AssertionError failure = assertThrows(AssertionError.class, () -> HeddleProcess.finish(p, 1));

    String message = Objects.requireNonNull(failure.getMessage());
    assertTrue(message.contains("did not exit within 1 s"), message);
    assertTrue(message.contains("started"), message);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the process was not killed");
    assertEquals(List.of(), HeddleProcess.awaitNoneMentioning(10, marker));
  }

  @Test
  void anOrdinaryExitReturnsTheStatusAndBothStreams() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sh", "-c", "echo out; echo err >&2; exit 3").start();

    HeddleProcess.Run run = HeddleProcess.finish(p, 30);

    assertEquals(3, run.exit());
    assertEquals("out\n", run.out());
    assertEquals("err\n", run.err());
  }
}
