package dev.heddle.hazelcast;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import dev.heddle.hazelcast.Wire.Reply;
import dev.heddle.process.internal.Failures;
import dev.heddle.process.internal.Protocol;
import dev.heddle.process.internal.Transfer;
import dev.heddle.spi.Attempt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What a member knows about the runs it executes: which thread runs which caller's task, so
 * that a cancel, or the caller's departure, can interrupt it. Lives in the member's Hazelcast
 * user context (one per member, no static state).
 */
final class MemberState implements MembershipListener {

  private static final System.Logger LOG = System.getLogger(ClusterMember.class.getName());

  private final ClusterSecret secret;
  private final Transfer transfer;
  private final long pid = ProcessHandle.current().pid();
  private volatile String self = "member";

  /** Runs in progress, by caller and run number. */
  private final Map<RunKey, Slot> running = new ConcurrentHashMap<>();

  /**
   * Cancels that arrived before their run (the control executor can overtake the task
   * executor), by arrival time, oldest first. Consumed by the run, dropped when the caller
   * leaves, and bounded, so that cancels for runs that never come cannot pile up: one older
   * than {@link #EARLY_CANCEL_AGE_NANOS} is dropped, and beyond {@link #EARLY_CANCEL_LIMIT} the
   * oldest goes. A run whose cancel was dropped starts after all and is interrupted by
   * nothing; its caller, which stopped waiting for it, drops its reply.
   */
  @GuardedBy("cancelledEarly")
  private final LinkedHashMap<RunKey, Long> cancelledEarly = new LinkedHashMap<>();

  static final long EARLY_CANCEL_AGE_NANOS = TimeUnit.SECONDS.toNanos(60);
  static final int EARLY_CANCEL_LIMIT = 10_000;

  private final LongSupplier clock;

  private record RunKey(String caller, long run) {}

  /** A run's thread, interrupted only while it still runs that task (never the task it takes next). */
  private static final class Slot {
    private final Thread thread = Thread.currentThread();
    private boolean done;

    synchronized void interrupt() {
      if (!done) {
        thread.interrupt();
      }
    }

    synchronized StackTraceElement[] stack() {
      return done ? new StackTraceElement[0] : thread.getStackTrace();
    }

    synchronized void finish() {
      done = true;
    }
  }

  MemberState(ClusterSecret secret, List<String> allowPackages) {
    this(secret, allowPackages, System::nanoTime);
  }

  MemberState(ClusterSecret secret, List<String> allowPackages, LongSupplier clock) {
    this.secret = secret;
    this.clock = clock;
    this.transfer =
        new Transfer(
            dev.heddle.TransferRules.defaults()
                .allowPackages(allowPackages.toArray(String[]::new)));
  }

  void describeSelf(String self) {
    this.self = self;
  }

  int running() {
    return running.size();
  }

  int earlyCancels() {
    synchronized (cancelledEarly) {
      return cancelledEarly.size();
    }
  }

  /**
   * Takes the run's early cancel if there is one, else records the run as running; one step
   * with {@link #slotOrRemember}, so that a cancel is never lost between the two.
   */
  private boolean takeEarlyCancelOrStart(RunKey key, Slot slot) {
    synchronized (cancelledEarly) {
      if (cancelledEarly.remove(key) != null) {
        return true;
      }
      running.put(key, slot);
      return false;
    }
  }

  /** The run's slot, or, when it has not started, its cancel remembered for it. */
  private @Nullable Slot slotOrRemember(RunKey key) {
    long now = clock.getAsLong();
    synchronized (cancelledEarly) {
      Slot slot = running.get(key);
      if (slot != null) {
        return slot;
      }
      var oldest = cancelledEarly.values().iterator();
      while (oldest.hasNext()) {
        long at = oldest.next();
        if (now - at <= EARLY_CANCEL_AGE_NANOS && cancelledEarly.size() < EARLY_CANCEL_LIMIT) {
          break;
        }
        oldest.remove();
      }
      cancelledEarly.remove(key); // a repeated cancel counts from its latest arrival
      cancelledEarly.put(key, now);
      return null;
    }
  }

  Reply run(Wire.RunRequest r) {
    if (!secret.verify(r.signature, r.signedFields())) {
      String why =
          "refused task '"
              + r.task
              + "' (run "
              + r.run
              + " from caller "
              + r.caller
              + "): its signature"
              + " does not match this cluster's secret (unsigned, tampered with, or signed with another secret);"
              + " nothing of it was deserialized";
      LOG.log(Level.WARNING, self + " " + why);
      throw new SecurityException(self + " " + why);
    }
    RunKey key = new RunKey(r.caller, r.run);
    Slot me = new Slot();
    if (takeEarlyCancelOrStart(key, me)) {
      return failure(
          r.run,
          new java.util.concurrent.CancellationException(
              "task '" + r.task + "' was cancelled before it started on " + self));
    }
    try {
      Object invocation =
          transfer.deserialize(r.invocation, "task '" + r.task + "'", Transfer.Kind.BODY);
      if (!(invocation instanceof Attempt.Invocation inv)) {
        throw new IllegalArgumentException(
            "task '"
                + r.task
                + "' did not carry a task body but a "
                + (invocation == null ? "null" : invocation.getClass().getName()));
      }
      Object result = inv.invoke();
      byte[] plain = Wire.Plain.encode(result);
      if (plain != null) {
        return new Reply(Reply.PLAIN_RESULT, r.run, pid, plain, secret);
      }
      byte[] bytes;
      try {
        bytes = transfer.serializeChecked(result, "the result of task '" + r.task + "'");
      } catch (IOException e) {
        return failure(r.run, e);
      }
      return new Reply(Reply.RESULT, r.run, pid, bytes, secret);
    } catch (java.io.InvalidClassException e) {
      LOG.log(
          Level.WARNING,
          self + " refused task '" + r.task + "' from caller " + r.caller + ": " + e.getMessage());
      return failure(r.run, e);
    } catch (Throwable t) {
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt(); // cleared below, before the thread returns to Hazelcast
      }
      return failure(r.run, t);
    } finally {
      running.remove(key, me);
      me.finish();
      // Whatever the body or a late cancel left, nothing of it may reach the next task on this
      // thread.
      Thread.interrupted();
    }
  }

  private Reply failure(long run, Throwable t) {
    Protocol.Failure failure =
        Failures.failure(run, t, e -> transfer.serializeChecked(e, "a failure"));
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try {
      Protocol.write(out, failure);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Reply(Reply.FAILURE, run, pid, out.toByteArray(), secret);
  }

  Reply control(Wire.ControlRequest c) {
    if (!secret.verify(c.signature, c.signedFields())) {
      String why =
          "refused a control message (kind "
              + c.kind
              + ", run "
              + c.run
              + ", caller "
              + c.caller
              + "): its signature does not match this cluster's secret";
      LOG.log(Level.WARNING, self + " " + why);
      throw new SecurityException(self + " " + why);
    }
    RunKey key = new RunKey(c.caller, c.run);
    switch (c.kind) {
      case Wire.ControlRequest.CANCEL -> {
        Slot t = slotOrRemember(key);
        if (t != null) {
          t.interrupt();
        }
        return new Reply(Reply.PONG, c.run, pid, new byte[0], secret);
      }
      case Wire.ControlRequest.STACK -> {
        Slot t = running.get(key);
        StackTraceElement[] frames = t == null ? new StackTraceElement[0] : t.stack();
        try {
          return new Reply(Reply.STACK, c.run, pid, Transfer.serialize(frames), secret);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      default -> {
        return new Reply(Reply.PONG, c.run, pid, new byte[0], secret);
      }
    }
  }

  /** Interrupts every run of a caller that has left, and forgets its early cancels. */
  void callerLeft(String caller) {
    int n = 0;
    for (Map.Entry<RunKey, Slot> e : running.entrySet()) {
      if (e.getKey().caller().equals(caller)) {
        e.getValue().interrupt();
        n++;
      }
    }
    synchronized (cancelledEarly) {
      cancelledEarly.keySet().removeIf(k -> k.caller().equals(caller));
    }
    if (n > 0) {
      LOG.log(
          Level.INFO,
          self
              + ": caller "
              + caller
              + " left the cluster; interrupted its "
              + n
              + " running task"
              + (n == 1 ? "" : "s"));
    }
  }

  @Override
  public void memberAdded(MembershipEvent event) {}

  @Override
  public void memberRemoved(MembershipEvent event) {
    callerLeft(event.getMember().getUuid().toString());
  }
}
