package dev.heddle;

import dev.heddle.contract.Semantics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;
import org.jspecify.annotations.Nullable;

/**
 * The flight recorder checks of one runner: an in-process {@link RecordingStream} of the
 * JDK's blocking and pinning events and of Heddle's own {@link TaskRunEvent}s, read on one
 * thread of the runner ({@code heddle-<kind>-<n>-jfr-<m>}), which reports each blocking event
 * inside a task declared never to block, and each pinning inside a task declared never to
 * pin, to the runner's listener.
 */
final class SemanticsWatch {

  /*
   * Attribution. A JDK event belongs to the task whose TaskRunEvent is on the same thread and
   * encloses it in time; both are timed by the recorder's clock on that thread, so the test
   * is exact. Nested scopes run inner tasks inside an outer task's window on the same
   * thread: the innermost window wins.
   *
   * The stream delivers events sorted by end time within each flush, so a task's JDK events
   * normally arrive before its own window (which ends last). They wait per thread in
   * `pending` until a window of this runner that encloses them arrives; a JDK event that
   * arrives after its window is matched against the thread's last few windows (`recent`).
   * Events outside every window (a pool thread parking between tasks) are never claimed:
   * each thread keeps at most MAX_PENDING of them, dropping the oldest; and at most
   * MAX_THREADS threads are tracked, the least recently seen forgotten first (virtual
   * threads come and go by the million). All of this state belongs to the stream's one
   * thread.
   *
   * Lifetime. start() runs RecordingStream.start() on a runner thread and waits until the
   * stream's first metadata arrives, which proves the recording is running (about a second,
   * the recorder's flush period). stop() calls RecordingStream.stop(), which stops the
   * recording and returns once every event recorded until then has been delivered; then
   * closes the stream and joins the thread.
   */

  static final int MAX_PENDING = 256;
  static final int RECENT_WINDOWS = 16;
  static final int MAX_THREADS = 4_096;
  static final long START_TIMEOUT_SECONDS = 30;

  /** The JDK events watched, with what a task did to produce each. */
  private static final Map<String, String> BLOCKING =
      Map.of(
          "jdk.ThreadSleep", "slept",
          "jdk.ThreadPark", "parked",
          "jdk.JavaMonitorWait", "waited on a monitor",
          "jdk.JavaMonitorEnter", "waited to enter a monitor",
          "jdk.SocketRead", "read from a socket",
          "jdk.SocketWrite", "wrote to a socket",
          "jdk.FileRead", "read from a file",
          "jdk.FileWrite", "wrote to a file");

  private static final String PINNED = "jdk.VirtualThreadPinned";

  private final long runnerId;
  private final SemanticsListener listener;
  private final RecordingStream stream;
  private final Thread thread;
  private final CountDownLatch recording = new CountDownLatch(1);
  private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

  // The stream thread's alone.
  private final Map<Long, ArrayDeque<Seen>> pending = lru();
  private final Map<Long, ArrayDeque<Window>> recent = lru();

  private static <V> Map<Long, V> lru() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
        return size() > MAX_THREADS;
      }
    };
  }

  /** A JDK event, copied out of the stream. */
  private record Seen(
      String type,
      Instant start,
      Instant end,
      Duration duration,
      boolean virtual,
      List<StackTraceElement> stack,
      @Nullable String detail) {}

  /** One attempt of one of this runner's tasks, on one thread. */
  private record Window(
      String task, int attempt, Semantics declared, String where, Instant start, Instant end) {
    boolean encloses(Seen s) {
      return !s.start().isBefore(start) && !s.end().isAfter(end);
    }

    long length() {
      return Duration.between(start, end).toNanos();
    }
  }

  private SemanticsWatch(Threads threads, Duration threshold, SemanticsListener listener) {
    this.runnerId = threads.id();
    this.listener = listener;
    this.stream = new RecordingStream();
    try {
      for (String type : BLOCKING.keySet()) {
        stream.enable(type).withThreshold(threshold).withStackTrace();
      }
      stream.enable(PINNED).withThreshold(threshold).withStackTrace();
      stream.enable(TaskRunEvent.class).withoutThreshold().withoutStackTrace();
      stream.setReuse(false);
      stream.setOrdered(true);
      stream.setMaxAge(Duration.ofMinutes(1)); // bounds the recording's files on disk
      stream.onMetadata(m -> recording.countDown());
      stream.onEvent(this::accept);
      stream.onError(this::failed);
      this.thread = threads.factory("jfr").newThread(this::run);
    } catch (RuntimeException | Error e) {
      stream.close();
      throw e;
    }
  }

  /**
   * Starts a watch and waits until its recording runs. Blocks for about a second (at most
   * 30 s); an interrupt stops the wait, closes the stream and is restored.
   *
   * @throws IllegalStateException if the recording could not be started or did not start in
   *     time, or the wait was interrupted
   */
  static SemanticsWatch start(Threads threads, Duration threshold, SemanticsListener listener) {
    SemanticsWatch w = new SemanticsWatch(threads, threshold, listener);
    w.thread.start();
    try {
      if (!w.recording.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        w.stream.close();
        w.join();
        throw new IllegalStateException(
            "the flight recorder checks did not start: the recording stream delivered "
                + "nothing within "
                + START_TIMEOUT_SECONDS
                + " s (it normally takes about 1 s)");
      }
    } catch (InterruptedException e) {
      w.stream.close();
      w.join();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the flight recorder checks", e);
    }
    Throwable f = w.failure.get();
    if (f != null) {
      w.join();
      throw new IllegalStateException("the flight recorder checks could not start: " + f, f);
    }
    return w;
  }

  private void run() {
    try {
      stream.start(); // returns when the stream is stopped or closed
    } catch (RuntimeException | Error e) {
      failed(e);
    } finally {
      recording.countDown(); // a stream that never started must not leave start() waiting
    }
  }

  private void failed(Throwable e) {
    failure.compareAndSet(null, e);
    System.getLogger(LoggingSemanticsListener.LOGGER)
        .log(
            System.Logger.Level.ERROR,
            "the flight recorder checks of runner "
                + runnerId
                + " failed; no further blocking or pinning is reported",
            e);
  }

  /**
   * Stops the recording, reports every event recorded until now, then ends the stream and its
   * thread. Blocks until then; returns whether the wait was interrupted (it goes on waiting).
   */
  boolean stop() {
    try {
      stream.stop();
    } catch (IllegalStateException e) {
      // not started or already stopped: the stream's thread has ended or is ending
    }
    stream.close();
    return join();
  }

  private boolean join() {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // The stream's thread

  private void accept(RecordedEvent e) {
    RecordedThread t = e.getThread();
    if (t == null) {
      return;
    }
    long tid = t.getJavaThreadId();
    String type = e.getEventType().getName();
    if (type.equals(TaskRunEvent.NAME)) {
      if (e.getLong("runnerId") == runnerId) {
        window(tid, e);
      }
      return;
    }
    Seen s =
        new Seen(
            type,
            e.getStartTime(),
            e.getEndTime(),
            e.getDuration(),
            t.isVirtual(),
            stack(e),
            detail(e));
    Window w = innermost(recent.get(tid), s);
    if (w != null) {
      judge(w, s);
      return;
    }
    ArrayDeque<Seen> q = pending.computeIfAbsent(tid, k -> new ArrayDeque<>());
    if (q.size() == MAX_PENDING) {
      q.removeFirst();
    }
    q.addLast(s);
  }

  private void window(long tid, RecordedEvent e) {
    Semantics declared;
    try {
      declared =
          new Semantics(
              Semantics.Workload.valueOf(e.getString("workload")),
              Semantics.Blocking.valueOf(e.getString("blocking")),
              Semantics.Pinning.valueOf(e.getString("pinning")));
    } catch (IllegalArgumentException | NullPointerException bad) {
      return; // not written by this version of Heddle
    }
    Window w =
        new Window(
            e.getString("task"),
            e.getInt("attempt"),
            declared,
            "thread '" + e.getString("where") + "'",
            e.getStartTime(),
            e.getEndTime());
    ArrayDeque<Window> r = recent.computeIfAbsent(tid, k -> new ArrayDeque<>());
    if (r.size() == RECENT_WINDOWS) {
      r.removeFirst();
    }
    r.addLast(w);
    ArrayDeque<Seen> q = pending.get(tid);
    if (q == null) {
      return;
    }
    for (Iterator<Seen> it = q.iterator(); it.hasNext(); ) {
      Seen s = it.next();
      if (w.encloses(s)) {
        it.remove();
        judge(w, s);
      }
    }
    if (q.isEmpty()) {
      pending.remove(tid);
    }
  }

  private static @Nullable Window innermost(@Nullable ArrayDeque<Window> windows, Seen s) {
    if (windows == null) {
      return null;
    }
    Window best = null;
    for (Window w : windows) {
      if (w.encloses(s) && (best == null || w.length() < best.length())) {
        best = w;
      }
    }
    return best;
  }

  private void judge(Window w, Seen s) {
    if (s.type().equals(PINNED)) {
      if (w.declared().pinning() == Semantics.Pinning.NEVER) {
        report(
            w,
            s,
            SemanticsViolation.Kind.PINNED,
            "blocked while pinning its carrier for "
                + SemanticsChecks.ms(s.duration().toNanos())
                + " ("
                + PINNED
                + ")",
            s.detail());
      }
      return;
    }
    if (w.declared().blocking() != Semantics.Blocking.NEVER) {
      return;
    }
    if (s.type().equals("jdk.ThreadPark") && s.virtual()) {
      return; // a virtual thread parks to block; that it blocked shows in the other events
    }
    String did = BLOCKING.getOrDefault(s.type(), "blocked");
    report(
        w,
        s,
        SemanticsViolation.Kind.BLOCKED,
        did
            + " for "
            + SemanticsChecks.ms(s.duration().toNanos())
            + " ("
            + s.type()
            + (s.detail() == null ? "" : ": " + s.detail())
            + ")",
        null);
  }

  private void report(
      Window w, Seen s, SemanticsViolation.Kind kind, String what, @Nullable String reason) {
    listener.onViolation(
        new SemanticsViolation(
            w.task(), w.attempt(), w.declared(), kind, what, w.where(), s.stack(), reason));
  }

  /** For pinning, the JDK's reason (JDK 24+); for IO, the host or file. */
  private static @Nullable String detail(RecordedEvent e) {
    for (String field : new String[] {"pinnedReason", "path", "host"}) {
      if (e.hasField(field)) {
        String v = e.getString(field);
        if (v != null && !v.isEmpty()) {
          return v;
        }
      }
    }
    return null;
  }

  private static List<StackTraceElement> stack(RecordedEvent e) {
    RecordedStackTrace st = e.getStackTrace();
    if (st == null) {
      return List.of();
    }
    List<StackTraceElement> out = new ArrayList<>(st.getFrames().size());
    for (RecordedFrame f : st.getFrames()) {
      if (!f.isJavaFrame()) {
        continue;
      }
      String cls = f.getMethod().getType().getName();
      int dot = cls.lastIndexOf('.');
      String file = (dot < 0 ? cls : cls.substring(dot + 1));
      int dollar = file.indexOf('$');
      file = (dollar < 0 ? file : file.substring(0, dollar)) + ".java";
      out.add(new StackTraceElement(cls, f.getMethod().getName(), file, f.getLineNumber()));
    }
    return out;
  }
}
