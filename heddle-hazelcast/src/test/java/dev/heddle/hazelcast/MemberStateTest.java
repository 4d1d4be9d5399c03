package dev.heddle.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A member's memory of cancels that arrived before their runs: used once, and bounded. */
class MemberStateTest {

  private final ClusterSecret secret = ClusterSecret.of(TestCluster.randomKey());
  private final AtomicLong now = new AtomicLong();
  private final MemberState state = new MemberState(secret, List.of(), now::get);

  private Wire.Reply cancel(long run) {
    return state.control(
        new Wire.ControlRequest(Wire.ControlRequest.CANCEL, "caller", run, secret));
  }

  private Wire.Reply run(long run) {
    return state.run(new Wire.RunRequest("caller", run, "t" + run, 1, new byte[] {1, 2}, secret));
  }

  @Test
  void cancelsForRunsThatNeverCome_areBoundedInNumber() {
    for (long run = 1; run <= MemberState.EARLY_CANCEL_LIMIT + 500; run++) {
      assertEquals(Wire.Reply.PONG, cancel(run).kind);
    }
    assertEquals(MemberState.EARLY_CANCEL_LIMIT, state.earlyCancels());
    // the oldest went first: the newest still stops its run
    assertEquals(Wire.Reply.FAILURE, run(MemberState.EARLY_CANCEL_LIMIT + 500).kind);
    assertEquals(MemberState.EARLY_CANCEL_LIMIT - 1, state.earlyCancels());
  }

  @Test
  void aCancelOlderThanTheLimit_isDroppedWhenTheNextArrives() {
    cancel(1);
    cancel(2);
    now.addAndGet(MemberState.EARLY_CANCEL_AGE_NANOS + TimeUnit.SECONDS.toNanos(1));
    cancel(3);
    assertEquals(1, state.earlyCancels());
  }

  @Test
  void anEarlyCancel_stopsItsRunOnce() {
    cancel(7);
    Wire.Reply first = run(7);
    assertEquals(Wire.Reply.FAILURE, first.kind);
    assertEquals(0, state.earlyCancels());
  }

  @Test
  void theCallerLeaving_dropsItsEarlyCancels() {
    cancel(1);
    state.control(new Wire.ControlRequest(Wire.ControlRequest.CANCEL, "other", 1, secret));
    state.callerLeft("caller");
    assertEquals(1, state.earlyCancels());
  }
}
