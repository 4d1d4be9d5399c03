package dev.heddle;

import dev.heddle.time.TimeSource;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The watchdog of one scope's {@code join}: once join has waited its threshold, it hands a
 * {@link StallReport} to the scope's stall listener, and looks again every threshold after
 * that while join still waits.
 */
final class StallWatch implements Runnable {

  /*
   * Started by join when the scope's options ask for it (ScopeOptions.stallReport); a scope
   * without a threshold never makes one, so join pays a null check. It runs on the thread of
   * the scope's time source, never on the owner, so it reports also while the owner itself
   * runs a task's body (the inline runner) or is parked.
   *
   * Repeats. A report is handed over again only when what the tasks wait for has changed
   * since the last one (which tasks are unfinished, their states, attempts and waits; not
   * their stacks): a deadlock is reported once, a stall that moves is reported as it moves,
   * at most once per threshold.
   */

  /** The logger of the default listener. */
  static final String LOGGER = "dev.heddle.stall";

  private final Execution exec;
  private final Duration threshold;
  private final Consumer<? super StallReport> listener;
  private final long startedAt;

  private @Nullable String lastPicture;

  private TimeSource.@Nullable Scheduled next;
  private boolean stopped;

  private StallWatch(Execution exec, Duration threshold, Consumer<? super StallReport> listener) {
    this.exec = exec;
    this.threshold = threshold;
    this.listener = listener;
    this.startedAt = exec.now();
  }

  /** Starts watching {@code exec}'s join, which begins now. */
  static StallWatch start(
      Execution exec, Duration threshold, Consumer<? super StallReport> listener) {
    StallWatch w = new StallWatch(exec, threshold, listener);
    w.schedule();
    return w;
  }

  /** The listener used when none is given: {@code System.Logger} {@value #LOGGER} at WARNING. */
  static final Consumer<StallReport> LOGGING = new LogTo(System.getLogger(LOGGER));

  /** A listener that logs each report, whole, at WARNING. */
  record LogTo(System.Logger logger) implements Consumer<StallReport> {
    @Override
    public void accept(StallReport report) {
      logger.log(System.Logger.Level.WARNING, report.toString());
    }
  }

  private synchronized void schedule() {
    if (!stopped) {
      next = exec.time().schedule(threshold, this);
    }
  }

  /** Join has ended: no more reports. Waits for a report being handed over to the listener. */
  synchronized void stop() {
    stopped = true;
    TimeSource.Scheduled n = next;
    next = null;
    if (n != null) {
      n.cancel();
    }
  }

  /** Synchronized: {@link #stop} waits for a report being handed over, so join sees what the listener did. */
  @Override
  public synchronized void run() {
    if (stopped) {
      return;
    }
    StallReport report;
    try {
      report = WaitGraph.report(exec, Duration.ofNanos(Math.max(0, exec.now() - startedAt)));
    } catch (RuntimeException e) {
      exec.callbackFailed(new IllegalStateException("Heddle failed to build a stall report", e));
      return; // no more tries: the same failure would repeat
    }
    try {
      if (report.tasks().isEmpty()) {
        stopped = true; // every task has ended: join is about to return, or left without stop()
        return;
      }
      String picture = picture(report);
      if (!picture.equals(lastPicture)) {
        lastPicture = picture;
        listener.accept(report);
      }
    } catch (RuntimeException | Error e) {
      exec.callbackFailed(new IllegalStateException("the stall listener threw", e));
    }
    schedule();
  }

  /** What the report says the tasks wait for, without their stacks. */
  private static String picture(StallReport r) {
    StringBuilder b = new StringBuilder();
    for (StallReport.WaitingTask t : r.tasks()) {
      b.append(t.name())
          .append('|')
          .append(t.state())
          .append('|')
          .append(t.attempt())
          .append('|')
          .append(t.waitsFor())
          .append('\n');
    }
    return b.toString();
  }
}
