package dev.heddle.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Copies each line the workers print to this process's stderr, prefixed {@code [worker <n>
 * pid <pid>]}, by following their log files on a thread of its own until {@link #stop()}.
 */
final class OutputEcho {

  private static final Duration POLL = Duration.ofMillis(50);

  private final List<WorkerProcess> workers =
      new CopyOnWriteArrayList<>(); // every worker since the start
  private final Thread thread;

  OutputEcho(String threadName) {
    this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::loop);
  }

  void start() {
    thread.start();
  }

  /** Follows this worker's logs too, from their start. */
  void add(WorkerProcess w) {
    workers.add(w);
  }

  /** Copies what was written last, then ends the thread and waits for it; returns whether the wait was interrupted. */
  boolean stop() {
    thread.interrupt();
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

  private void loop() {
    Map<Path, Long> offsets = new HashMap<>();
    boolean last = false;
    while (true) {
      for (WorkerProcess w : workers) {
        String label = "[worker " + w.number + " pid " + w.pid + "] ";
        copyNew(w.stdout, label, offsets);
        copyNew(w.stderr, label, offsets);
      }
      if (last) {
        return;
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        last = true; // closing: one more pass for what was written last
      }
    }
  }

  private static void copyNew(Path file, String label, Map<Path, Long> offsets) {
    long from = offsets.getOrDefault(file, 0L);
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      long size = ch.size();
      if (size <= from) {
        return;
      }
      ch.position(from);
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - from, 1 << 20));
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // fill
      }
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      if (end < 0) {
        return; // wait for the line to be finished
      }
      for (String line : text.substring(0, end).split("\n", -1)) {
        System.err.println(label + line);
      }
      offsets.put(file, from + text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length);
    } catch (IOException e) {
      // not created yet, or gone: try again later
    }
  }
}
