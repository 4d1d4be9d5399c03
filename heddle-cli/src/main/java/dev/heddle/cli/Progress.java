package dev.heddle.cli;

import dev.heddle.TaskEvent;
import dev.heddle.TaskListener;
import dev.heddle.internal.support.Durations;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Shows a run as it happens. On a terminal, a live block at the bottom of the screen lists
 * the running tasks with their elapsed time and the counts of done, failed and pending
 * tasks, redrawn at every start and end of a task and ten times a second, with one line per
 * finished task scrolling above it. Elsewhere (pipes, CI logs), one plain line per event.
 *
 * <p>Events and output lines are only queued by the threads that report them, so a slow
 * stdout never holds up a runner thread; one printer thread prints them, in the order they
 * came. {@link #close()} waits until it has printed everything queued before.
 */
final class Progress implements TaskListener, AutoCloseable, CommandTask.Echo {

  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Something to show: a task event, or a line a command printed; {@code at} is when it came. */
  private record Item(
      long at,
      @Nullable TaskEvent event,
      @Nullable String line,
      boolean note,
      @Nullable Boolean aside,
      @Nullable CountDownLatch seen) {
    Item(long at, @Nullable TaskEvent event, @Nullable String line, boolean note) {
      this(at, event, line, note, null, null);
    }
  }

  /** Queued by {@link #close()}: everything before it has been printed when the printer sees it. */
  private static final Item END = new Item(0, null, null, false);

  private static boolean isEnd(Item item) {
    return item.event() == null && item.line() == null && item.aside() == null;
  }

  private final PrintStream out;
  private final PrintStream err;
  private final boolean live;
  private final int total;
  private final long start = System.nanoTime();
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final Thread printer;
  private volatile boolean closed;

  /** Guards {@link #drained}: a note is either queued before close() drains, or printed at once. */
  private final Object notes = new Object();

  private boolean drained;

  /*
   * Confined to the printer thread: the running tasks with the time each started, the
   * counts, and how many lines of the live block are on the screen.
   */
  private final Map<String, Long> running = new LinkedHashMap<>();
  private int done;
  private int failed;
  private int stopped;
  private int drawnLines;
  private boolean aside;

  Progress(PrintStream out, PrintStream err, boolean live, int total) {
    this.out = out;
    this.err = err;
    this.live = live;
    this.total = total;
    this.printer =
        Thread.ofPlatform().daemon(true).name("heddle-cli-progress").start(this::printLoop);
  }

  /** Queues the event. Never blocks; any thread may call it. */
  @Override
  public void onEvent(TaskEvent e) {
    if (e.kind() != TaskEvent.Kind.QUEUED) {
      enqueue(new Item(System.nanoTime(), e, null, false));
    }
  }

  /** The tasks found up to date: their SUCCEEDED event reads "uptodate", not "done". */
  private final java.util.Set<String> upToDate = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Marks a task as skipped because it is up to date; call before its node returns. Never blocks. */
  void upToDate(String task) {
    upToDate.add(task);
  }

  /** Queues a line a command printed. Never blocks; any thread may call it. */
  @Override
  public void line(String task, String line) {
    enqueue(new Item(System.nanoTime(), null, task + " | " + line, false));
  }

  /**
   * Prints a message of heddle's own on standard error, above the live block (which is
   * erased first and drawn again after it, so that the screen stays whole), or at once if
   * this view is closed. Never blocks but to print after close; any thread may call it.
   */
  void note(String message) {
    synchronized (notes) {
      if (!drained) {
        queue.add(new Item(System.nanoTime(), null, message, true));
        return;
      }
    }
    err.println(message);
    err.flush();
  }

  /**
   * Prints a task's whole output at once, each line prefixed with its name ({@code --output
   * grouped}): the lines are queued as one item, so no other line comes between them.
   */
  void group(String task, List<String> lines) {
    if (!lines.isEmpty()) {
      enqueue(
          new Item(
              System.nanoTime(),
              null,
              task + " | " + String.join("\n" + task + " | ", lines),
              false));
    }
  }

  /**
   * Erases the live block and draws it no more ({@code true}), or draws it again ({@code
   * false}), for a command that has the terminal. Stepping aside returns once the printer has
   * erased the block (at once if this view is closed), interruptibly; drawing again returns
   * at once.
   */
  void stepAside(boolean aside) throws InterruptedException {
    CountDownLatch seen = new CountDownLatch(1);
    synchronized (notes) {
      if (closed || drained) {
        return;
      }
      queue.add(new Item(System.nanoTime(), null, null, false, aside, seen));
    }
    if (!aside) {
      return; // drawing again need not be waited for (and is called from finally blocks)
    }
    while (!seen.await(100, TimeUnit.MILLISECONDS)) {
      if (!printer.isAlive()) {
        return;
      }
    }
  }

  private void enqueue(Item item) {
    if (!closed) {
      queue.add(item); // unbounded: add never blocks
    }
  }

  private void printLoop() {
    long nextTick = System.nanoTime() + TICK_NANOS;
    while (true) {
      Item item;
      try {
        item =
            live
                ? queue.poll(Math.max(0, nextTick - System.nanoTime()), TimeUnit.NANOSECONDS)
                : queue.take();
      } catch (InterruptedException e) {
        return; // nobody interrupts this thread but to end it; close() still returns
      }
      if (item != null && isEnd(item)) {
        if (live) {
          clearBlock();
          out.flush();
        }
        return;
      }
      if (item != null && item.aside() != null) {
        aside = item.aside();
        if (live) {
          clearBlock();
          if (!aside) {
            drawBlock();
          }
          out.flush();
        }
        CountDownLatch seen = item.seen();
        if (seen != null) {
          seen.countDown();
        }
        continue;
      }
      if (item == null) { // live, and time for a redraw: the elapsed times have moved on
        clearBlock();
        drawBlock();
        out.flush();
        nextTick = System.nanoTime() + TICK_NANOS;
        continue;
      }
      if (item.note()) {
        clearBlock();
        out.flush();
        err.println(item.line());
        err.flush();
        if (live) {
          drawBlock();
        }
        out.flush();
        continue;
      }
      TaskEvent event = item.event();
      String line = event != null ? apply(event, item.at()) : item.line();
      if (live) {
        clearBlock();
        if (line != null) {
          out.println(stamp(item.at()) + line);
        }
        drawBlock();
      } else if (line != null) {
        out.println(stamp(item.at()) + line);
      }
      out.flush();
    }
  }

  /** Records the event in the counts and the running tasks; returns its line, if it has one. */
  private @Nullable String apply(TaskEvent e, long at) {
    return switch (e.kind()) {
      case QUEUED -> null;
      case STARTED -> {
        running.put(e.task(), at);
        yield live
            ? null
            : "start   "
                + e.task()
                + (e.attempt() > 1
                    ? " (attempt " + e.attempt() + " of " + e.maxAttempts() + ")"
                    : "");
      }
      case RETRYING -> {
        running.remove(e.task());
        yield "retry   "
            + e.task()
            + ": attempt "
            + e.attempt()
            + " of "
            + e.maxAttempts()
            + " failed: "
            + Report.shortReason(e.failure());
      }
      case SUCCEEDED -> {
        done++;
        String took = took(e.task(), at);
        yield upToDate.contains(e.task())
            ? "uptodate " + e.task()
            : "done    " + e.task() + " (" + took + ")";
      }
      case FAILED -> {
        failed++;
        yield "FAILED  "
            + e.task()
            + " ("
            + took(e.task(), at)
            + "): "
            + Report.shortReason(e.failure());
      }
      case CANCELLED -> {
        stopped++;
        running.remove(e.task());
        yield "stopped " + e.task() + ": " + e.reason();
      }
      case SKIPPED -> {
        stopped++;
        running.remove(e.task());
        yield "skipped " + e.task() + ": " + e.reason();
      }
    };
  }

  /** How long the task's last attempt ran; it is no longer running. */
  private String took(String task, long at) {
    Long began = running.remove(task);
    return began == null ? "?" : Durations.format(Duration.ofNanos(at - began));
  }

  private String stamp(long at) {
    return String.format(Locale.ROOT, "[%7s] ", Durations.format(Duration.ofNanos(at - start)));
  }

  /** Erases the live block: moves up over its lines and clears to the end of the screen. */
  private void clearBlock() {
    if (drawnLines > 0) {
      out.print("\u001b[" + drawnLines + "F\u001b[J");
      drawnLines = 0;
    }
  }

  private void drawBlock() {
    if (aside) {
      return;
    }
    long now = System.nanoTime();
    int shown = 0;
    for (Map.Entry<String, Long> r : running.entrySet()) {
      if (shown == 10) {
        out.println("  ... and " + (running.size() - 10) + " more running");
        drawnLines++;
        break;
      }
      out.printf(
          Locale.ROOT,
          "  \u001b[1mrunning\u001b[0m %-24s %7s%n",
          r.getKey(),
          Durations.format(Duration.ofNanos(now - r.getValue())));
      drawnLines++;
      shown++;
    }
    int pending = total - done - failed - stopped - running.size();
    out.printf(
        Locale.ROOT,
        "  done %d  failed %d  running %d  pending %d%n",
        done,
        failed,
        running.size(),
        Math.max(0, pending));
    drawnLines++;
  }

  /**
   * Prints everything queued so far, erases the live block, and stops the printer; what is
   * reported afterwards is dropped. Blocks until the printer has finished, whatever an
   * interrupt (which is kept for the caller). Idempotent; call it from one thread.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      queue.add(END);
    }
    boolean interrupted = false;
    while (true) {
      try {
        printer.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // a late signal: the output must still be complete and in order
      }
    }
    // A note queued while this view was closing came after END: print it now, never drop it.
    synchronized (notes) {
      drained = true;
      for (Item item = queue.poll(); item != null; item = queue.poll()) {
        if (item.note()) {
          err.println(item.line());
          err.flush();
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
