package dev.heddle.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Ends a process and everything it started, and waits until they are gone. */
final class ProcessTrees {
  private ProcessTrees() {}

  /*
   * The tree is collected before anything is signalled: once a parent dies its children are
   * re-parented and no longer appear among its descendants. Collection repeats until no new
   * process shows up, so children started while we look are caught too. SIGTERM first, then
   * SIGKILL for what is still alive after the grace period; then wait for every one.
   */

  /**
   * Sends SIGTERM to {@code root} and all its descendants, SIGKILL to those alive after
   * {@code grace}, and returns when all have exited. Blocks; not interruptible (a caller
   * being cancelled is exactly when the tree must be gone before it returns); an interrupt
   * is kept and restored.
   */
  static void destroy(ProcessHandle root, Duration grace) {
    boolean interrupted = Thread.interrupted();
    Set<ProcessHandle> tree = collect(root);
    long deadline = System.nanoTime() + grace.toNanos();
    for (int round = 0; round < 3; round++) {
      tree.addAll(collect(root)); // children forked after the first look
      // Descendants before the root, so that a shell is still there to reap its children.
      for (ProcessHandle p : tree) {
        if (!p.equals(root)) {
          p.destroy();
        }
      }
    }
    root.destroy();
    List<ProcessHandle> survivors = new ArrayList<>();
    for (ProcessHandle p : tree) {
      long left = deadline - System.nanoTime();
      if (!awaitExit(p, Math.max(0, left))) {
        survivors.add(p);
      }
    }
    for (ProcessHandle p : survivors) {
      p.destroyForcibly();
    }
    for (ProcessHandle p : survivors) {
      if (!awaitExit(p, TimeUnit.SECONDS.toNanos(30))) {
        interrupted |= Thread.interrupted();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static Set<ProcessHandle> collect(ProcessHandle root) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    return tree;
  }

  /*
   * The JDK's onExit() for a process that is not our child polls with a backoff of up to
   * seconds, and a killed grandchild stays a zombie until whoever inherited it reaps it. So
   * we poll ourselves, every 5 ms, and count a zombie as gone: it runs nothing and holds
   * nothing but its process-table entry.
   */
  private static boolean awaitExit(ProcessHandle p, long nanos) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + nanos;
    try {
      while (!isGone(p)) {
        if (System.nanoTime() - deadline >= 0) {
          return false;
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether a process has exited or is a zombie (Linux: state Z in /proc/PID/stat). */
  static boolean isGone(ProcessHandle p) {
    if (!p.isAlive()) {
      return true;
    }
    Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
    try {
      String s = Files.readString(stat);
      int close = s.lastIndexOf(')');
      return close > 0 && close + 2 < s.length() && s.charAt(close + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return !p.isAlive(); // no /proc here, or it has just gone
    }
  }
}
