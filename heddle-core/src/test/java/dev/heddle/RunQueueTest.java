package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The CPU check's run-queue account survives a read made while the thread is interrupted. */
class RunQueueTest {

  @Test
  void waited_whileInterrupted_stillReads_andKeepsReadingAfterwards() {
    SemanticsChecks.RunQueue opened = SemanticsChecks.RunQueue.open();
    assumeTrue(opened != null, "no /proc/thread-self/schedstat here");
    SemanticsChecks.RunQueue q = java.util.Objects.requireNonNull(opened);
    try {
      Thread.currentThread().interrupt();
      long during = q.waited();
      assertTrue(Thread.interrupted(), "the read cleared the interrupt flag");
      long after = q.waited();
      // Regression: an interruptible channel was closed by the first read and returned -1 from then
      // on.
      assertTrue(during >= 0, "read while interrupted: " + during);
      assertTrue(after >= 0, "read after an interrupted read: " + after);
    } finally {
      Thread.interrupted();
    }
  }
}
