package dev.heddle.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Ends a process and everything it started, and waits until they are gone. */
final class ProcessTrees {
  private ProcessTrees() {}

  /** How long to wait, after SIGKILL, for the killed processes to be confirmed gone. */
  static final Duration AFTER_KILL = Duration.ofSeconds(30);

  /** The most rounds of collection before signalling, however busy the tree is forking. */
  private static final int MAX_ROUNDS = 10;

  private static volatile boolean killAtOnce;

  /*
   * The tree is collected before anything is signalled: once a parent dies its children are
   * re-parented and no longer appear among its descendants. Collection repeats until a round
   * finds no new process (at most MAX_ROUNDS rounds), so children started while we look are
   * caught too. Then each process gets SIGTERM once, descendants before the root; those still
   * alive after the grace period (or at once, after killAtOnce()) are collected again with
   * their own descendants, get SIGKILL, and are waited for up to AFTER_KILL. All waits poll
   * the whole set together, so the bounds hold for the tree, not per process.
   */

  /**
   * From now on, in this JVM, skips the grace period: processes being ended, and those ended
   * later, get SIGKILL as soon as they have had SIGTERM. For a second SIGINT or SIGTERM to
   * heddle. Never blocks; any thread may call it.
   */
  static void killAtOnce() {
    killAtOnce = true;
  }

  /**
   * Sends SIGTERM to {@code root} and all its descendants, SIGKILL to those alive after
   * {@code grace}, and returns when all have exited, or when {@link #AFTER_KILL} has passed
   * since the SIGKILL. Blocks; not interruptible (a caller being cancelled is exactly when
   * the tree must be gone before it returns); an interrupt is kept and restored.
   *
   * @return the ids of the processes that could not be confirmed gone; normally empty
   */
  static List<Long> destroy(ProcessHandle root, Duration grace) {
    boolean interrupted = Thread.interrupted();
    try {
      Set<ProcessHandle> tree = collect(List.of(root));
      // Descendants before the root, so that a shell is still there to reap its children.
      for (ProcessHandle p : tree) {
        if (!p.equals(root)) {
          p.destroy();
        }
      }
      root.destroy();
      List<ProcessHandle> survivors = awaitExit(tree, grace, true);
      if (survivors.isEmpty()) {
        return List.of();
      }
      Set<ProcessHandle> kill = collect(survivors); // and whatever they started meanwhile
      for (ProcessHandle p : kill) {
        p.destroyForcibly();
      }
      List<Long> unconfirmed = new ArrayList<>();
      for (ProcessHandle p : awaitExit(kill, AFTER_KILL, false)) {
        unconfirmed.add(p.pid());
      }
      return unconfirmed;
    } finally {
      if (interrupted || Thread.interrupted()) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The roots and all their descendants, looking again until a look finds nothing new. */
  private static Set<ProcessHandle> collect(Collection<ProcessHandle> roots) {
    Set<ProcessHandle> found = new LinkedHashSet<>(roots);
    for (int round = 0; round < MAX_ROUNDS; round++) {
      int before = found.size();
      for (ProcessHandle r : roots) {
        r.descendants().forEach(found::add);
      }
      if (round > 0 && found.size() == before) {
        break;
      }
    }
    return found;
  }

  /*
   * The JDK's onExit() for a process that is not our child polls with a backoff of up to
   * seconds, and a killed grandchild stays a zombie until whoever inherited it reaps it. So
   * we poll ourselves, every 5 ms, and count a zombie as gone: it runs nothing and holds
   * nothing but its process-table entry.
   */

  /**
   * Waits until every process is gone, at most {@code max}; with {@code stopEarly}, also
   * stops once {@link #killAtOnce()} has been called. Keeps an interrupt for the caller.
   *
   * @return the processes still there
   */
  private static List<ProcessHandle> awaitExit(Set<ProcessHandle> processes, Duration max, boolean stopEarly) {
    List<ProcessHandle> left = new ArrayList<>(processes);
    long deadline = System.nanoTime() + max.toNanos();
    boolean interrupted = Thread.interrupted(); // else every sleep below would throw at once
    try {
      while (true) {
        left.removeIf(ProcessTrees::isGone);
        if (left.isEmpty() || System.nanoTime() - deadline >= 0 || (stopEarly && killAtOnce)) {
          return left;
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
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
