package dev.heddle.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Ends a set of processes (a command and everything it started), and waits until they are gone. */
final class ProcessTrees {
  private ProcessTrees() {}

  /** How long to wait, after SIGKILL, for the killed processes to be confirmed gone. */
  static final Duration AFTER_KILL = Duration.ofSeconds(30);

  /** The most rounds of collection before signalling, however busy the tree is forking. */
  private static final int MAX_ROUNDS = 10;

  private static volatile boolean killAtOnce;

  /*
   * What to end is found by a Finder, asked again at each step: a command's tree (the JDK's
   * walk of descendants, which loses a process as soon as its parent dies and it is
   * re-parented), and on Linux also its session and every process carrying its marker in
   * its environment (see CommandTask), which a detached process keeps. Each process found
   * gets SIGTERM once; after the grace period (or at once, after killAtOnce()) whatever is
   * still there or found since gets SIGKILL, and the finder is asked again after each round
   * of SIGKILL until it finds nothing new or AFTER_KILL has passed. All waits poll the whole
   * set together against one deadline, so the bounds hold for the set, not per process.
   */

  /**
   * From now on, in this JVM, skips the grace period: processes being ended, and those ended
   * later, get SIGKILL as soon as they have had SIGTERM. For a second SIGINT or SIGTERM to
   * heddle. Never blocks; any thread may call it.
   */
  static void killAtOnce() {
    killAtOnce = true;
  }

  /** Finds, each time it is asked, every live process that is to be ended. */
  interface Finder {
    /** The live processes to end, roots before their descendants. */
    Set<ProcessHandle> find();
  }

  /**
   * What {@link #end} did.
   *
   * @param ended the ids of every process that was sent a signal, in the order found
   * @param unconfirmed the ids of those still there {@link #AFTER_KILL} after SIGKILL
   */
  record Ended(List<Long> ended, List<Long> unconfirmed) {}

  /**
   * Ends everything {@code finder} finds: SIGTERM to each, SIGKILL to those alive after
   * {@code grace} (or at once after {@link #killAtOnce()}) and to any found afterwards
   * (started meanwhile, or detached), looking again after each SIGKILL until nothing new is
   * found or {@link #AFTER_KILL} has passed. Blocks; not interruptible (a caller being
   * cancelled is exactly when the processes must be gone before it returns); an interrupt is
   * kept and restored.
   */
  static Ended end(Finder finder, Duration grace) {
    return end(finder, grace, AFTER_KILL);
  }

  /** {@link #end(Finder, Duration)}, giving up {@code afterKill} after SIGKILL instead of {@link #AFTER_KILL}. */
  static Ended end(Finder finder, Duration grace, Duration afterKill) {
    boolean interrupted = Thread.interrupted();
    try {
      Set<ProcessHandle> all = new LinkedHashSet<>(finder.find());
      if (all.isEmpty()) {
        return new Ended(List.of(), List.of());
      }
      List<ProcessHandle> first = new ArrayList<>(all);
      // Descendants before the roots, so that a shell is still there to reap its children.
      for (int i = first.size() - 1; i >= 0; i--) {
        first.get(i).destroy();
      }
      List<ProcessHandle> survivors = awaitExit(all, grace, true);
      Set<ProcessHandle> kill = new LinkedHashSet<>(survivors);
      kill.addAll(finder.find()); // and whatever was started or detached meanwhile
      kill.removeIf(ProcessTrees::isGone);
      if (kill.isEmpty()) {
        return new Ended(pids(all), List.of());
      }
      long deadline = System.nanoTime() + afterKill.toNanos();
      while (true) {
        for (ProcessHandle p : kill) {
          p.destroyForcibly();
        }
        all.addAll(kill);
        List<ProcessHandle> left = awaitExit(kill, remaining(deadline), false);
        Set<ProcessHandle> found = finder.find();
        found.removeAll(kill);
        found.removeIf(ProcessTrees::isGone);
        if (found.isEmpty() || System.nanoTime() - deadline >= 0) {
          return new Ended(pids(all), pids(left));
        }
        kill = new LinkedHashSet<>(left);
        kill.addAll(found);
      }
    } finally {
      if (interrupted || Thread.interrupted()) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private static List<Long> pids(Collection<ProcessHandle> processes) {
    List<Long> pids = new ArrayList<>(processes.size());
    for (ProcessHandle p : processes) {
      pids.add(p.pid());
    }
    return pids;
  }

  /** The live roots and all their descendants, looking again until a look finds nothing new. */
  static Set<ProcessHandle> collect(Collection<ProcessHandle> roots) {
    Set<ProcessHandle> found = new LinkedHashSet<>();
    for (ProcessHandle r : roots) {
      if (!isGone(r)) {
        found.add(r);
      }
    }
    for (int round = 0; round < MAX_ROUNDS; round++) {
      int before = found.size();
      for (ProcessHandle r : List.copyOf(found)) {
        r.descendants().forEach(found::add);
      }
      if (found.size() == before) {
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
  private static List<ProcessHandle> awaitExit(
      Collection<ProcessHandle> processes, Duration max, boolean stopEarly) {
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
    ProcScan.Stat stat = ProcScan.stat(p.pid());
    return stat == null
        ? !p.isAlive()
        : stat.state() == 'Z'; // null: no /proc here, or it has just gone
  }
}
