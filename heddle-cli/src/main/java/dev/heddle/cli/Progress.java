package dev.heddle.cli;

import dev.heddle.TaskEvent;
import dev.heddle.TaskListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shows a run as it happens. On a terminal, a live block at the bottom of the screen lists
 * the running tasks with their elapsed time and the counts of done, failed and pending
 * tasks, redrawn ten times a second, with one line per finished task scrolling above it.
 * Elsewhere (pipes, CI logs), one plain line per event.
 */
final class Progress implements TaskListener, AutoCloseable, CommandTask.Echo {

  private final PrintStream out;
  private final boolean live;
  private final int total;
  private final long start = System.nanoTime();
  private final Map<String, Long> running = new LinkedHashMap<>();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger stopped = new AtomicInteger();
  private int drawnLines;
  private final Thread ticker;
  private volatile boolean closed;

  Progress(PrintStream out, boolean live, int total) {
    this.out = out;
    this.live = live;
    this.total = total;
    this.ticker = live ? Thread.ofPlatform().daemon(true).name("heddle-cli-progress").start(this::tick) : Thread.currentThread();
  }

  @Override
  public void onEvent(TaskEvent e) {
    String line = switch (e.kind()) {
      case QUEUED -> null;
      case STARTED -> {
        synchronized (this) {
          running.put(e.task(), System.nanoTime());
        }
        yield live ? null : "start   " + e.task() + (e.attempt() > 1 ? " (attempt " + e.attempt() + " of " + e.maxAttempts() + ")" : "");
      }
      case RETRYING -> {
        synchronized (this) {
          running.remove(e.task());
        }
        yield "retry   " + e.task() + ": attempt " + e.attempt() + " of " + e.maxAttempts() + " failed: " + Report.shortReason(e.failure());
      }
      case SUCCEEDED -> {
        done.incrementAndGet();
        yield "done    " + e.task() + " (" + took(e.task()) + ")";
      }
      case FAILED -> {
        failed.incrementAndGet();
        yield "FAILED  " + e.task() + " (" + took(e.task()) + "): " + Report.shortReason(e.failure());
      }
      case CANCELLED -> {
        stopped.incrementAndGet();
        yield "stopped " + e.task() + ": " + e.reason();
      }
      case SKIPPED -> {
        stopped.incrementAndGet();
        yield "skipped " + e.task() + ": " + e.reason();
      }
    };
    if (line != null) {
      print(line);
    }
  }

  private String took(String task) {
    Long began;
    synchronized (this) {
      began = running.remove(task);
    }
    return began == null ? "?" : Report.format(Duration.ofNanos(System.nanoTime() - began));
  }

  @Override
  public void line(String task, String line) {
    print(task + " | " + line);
  }

  private synchronized void print(String line) {
    if (closed) {
      return;
    }
    String stamp = String.format(Locale.ROOT, "[%7s] ", Report.format(Duration.ofNanos(System.nanoTime() - start)));
    if (live) {
      clearBlock();
      out.println(stamp + line);
      drawBlock();
    } else {
      out.println(stamp + line);
    }
    out.flush();
  }

  private void tick() {
    while (!closed) {
      synchronized (this) {
        if (!closed) {
          clearBlock();
          drawBlock();
          out.flush();
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return; // closing
      }
    }
  }

  /** Erases the live block: moves up over its lines and clears to the end of the screen. */
  private void clearBlock() {
    if (drawnLines > 0) {
      out.print("\u001b[" + drawnLines + "F\u001b[J");
      drawnLines = 0;
    }
  }

  private void drawBlock() {
    long now = System.nanoTime();
    int shown = 0;
    for (Map.Entry<String, Long> r : running.entrySet()) {
      if (shown == 10) {
        out.println("  ... and " + (running.size() - 10) + " more running");
        drawnLines++;
        break;
      }
      out.printf(Locale.ROOT, "  \u001b[1mrunning\u001b[0m %-24s %7s%n", r.getKey(), Report.format(Duration.ofNanos(now - r.getValue())));
      drawnLines++;
      shown++;
    }
    int pending = total - done.get() - failed.get() - stopped.get() - running.size();
    out.printf(Locale.ROOT, "  done %d  failed %d  running %d  pending %d%n", done.get(), failed.get(), running.size(), Math.max(0, pending));
    drawnLines++;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (live) {
        clearBlock();
      }
      closed = true;
      out.flush();
    }
    if (live) {
      ticker.interrupt();
      try {
        ticker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
