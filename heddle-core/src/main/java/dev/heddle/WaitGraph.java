package dev.heddle;

import dev.heddle.internal.support.Parties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The wait-for graph of a scope's unfinished tasks, taken as a snapshot while they run, and
 * the {@link StallReport} made from it.
 */
final class WaitGraph {

  /*
   * Nodes are the scope's unfinished tasks. A task waits for:
   *   - each unfinished input, while it waits for inputs (all of them must end: every edge
   *     counts);
   *   - the other side of a channel, while its thread is parked in a plain send or receive
   *     (the waiter is the thread's LockSupport blocker): the tasks that channel has seen on
   *     its other side and that have not ended. Any one of them could complete the wait, so
   *     only a wait with exactly one such party is an edge of a deadlock cycle;
   *   - another scope's join, while its thread is parked in it (the execution is the
   *     blocker). That scope's tasks are not followed.
   * A cycle found through those edges is a deadlock: each task in it waits for the next, and
   * nothing else can release any of them. Everything is read without stopping the tasks, so
   * the snapshot may be a moment stale; the report is repeated while the stall lasts.
   */

  private final Execution exec;

  /** Per unfinished task, the tasks that alone could release it, with the words for the edge. */
  private final Map<TaskNode<?>, List<Edge>> edges = new IdentityHashMap<>();

  private final List<String> stuck = new ArrayList<>();

  /** The task whose body the owner's thread runs (inline, seeded, auto's trivial tasks), or null. */
  private @Nullable TaskNode<?> onOwner;

  private record Edge(TaskNode<?> to, String words) {}

  private WaitGraph(Execution exec) {
    this.exec = exec;
  }

  /** The report of {@code exec}'s unfinished tasks, its join having waited {@code waited}. */
  static StallReport report(Execution exec, Duration waited) {
    return new WaitGraph(exec).build(waited);
  }

  private StallReport build(Duration waited) {
    List<TaskNode<?>> open = new ArrayList<>();
    exec.forEachTask(
        n -> {
          if (n.state() < TaskNode.SUCCEEDED) {
            open.add(n);
          }
        });
    for (TaskNode<?> n : open) {
      if (n.runningThread() == exec.owner()) {
        onOwner = n;
      }
    }
    List<StallReport.WaitingTask> tasks = new ArrayList<>(open.size());
    for (TaskNode<?> n : open) {
      StallReport.WaitingTask t = describe(n);
      if (t != null) {
        tasks.add(t);
      }
    }
    return new StallReport(exec.label(), waited, tasks, stuck, cycle(open));
  }

  private StallReport.@Nullable WaitingTask describe(TaskNode<?> n) {
    int state = n.state();
    List<Edge> out = new ArrayList<>();
    StallReport.State s;
    String waits;
    List<StackTraceElement> stack = List.of();
    switch (state) {
      case TaskNode.WAITING -> {
        s = StallReport.State.WAITING_FOR_INPUTS;
        List<String> names = new ArrayList<>();
        for (TaskNode<?> in : n.inputs) {
          if (in.state() < TaskNode.SUCCEEDED) {
            names.add("'" + in.name + "''s result");
            out.add(new Edge(in, "waits for '" + in.name + "''s result"));
          }
        }
        waits =
            names.isEmpty()
                ? "its inputs have just ended; it is about to be queued"
                : "waits for " + String.join(", ", names);
      }
      case TaskNode.QUEUED -> {
        s = StallReport.State.QUEUED;
        TaskNode<?> busy = onOwner;
        waits =
            "ready, waits for a free worker of "
                + exec.runnerName()
                + (busy == null
                    ? ""
                    : "; the owner's thread, which runs this runner's bodies, is busy with '"
                        + busy.name
                        + "'");
      }
      case TaskNode.BACKOFF -> {
        s = StallReport.State.BACKOFF;
        waits = "waits out the backoff before its next attempt";
      }
      case TaskNode.RUNNING -> {
        s = StallReport.State.RUNNING;
        Thread t = n.runningThread();
        if (t != null) {
          Object blocker = LockSupport.getBlocker(t);
          stack = List.of(t.getStackTrace());
          waits = runningWait(n, t, blocker, out);
        } else {
          TaskTimeoutException.RunningTask r = n.runningStack();
          if (r == null) {
            return null; // ended meanwhile
          }
          stack = r.stack();
          waits = "runs in " + r.where() + "; what it waits for there is not known here";
        }
      }
      default -> {
        return null; // ended meanwhile
      }
    }
    edges.put(n, out);
    return new StallReport.WaitingTask(n.name, n.handler, s, n.attempt(), n.where(), waits, stack);
  }

  private String runningWait(TaskNode<?> n, Thread t, @Nullable Object blocker, List<Edge> out) {
    if (blocker instanceof Parties.Blocked b) {
      Parties.Watched ch = b.channel();
      if (ch == null) {
        return "waits in a select";
      }
      return channelWait(n, ch, b.sending(), out);
    }
    if (blocker instanceof Execution other) {
      int[] unfinished = {0};
      other.forEachTask(
          x -> {
            if (x.state() < TaskNode.SUCCEEDED) {
              unfinished[0]++;
            }
          });
      return "waits for the join of "
          + other.label()
          + " ("
          + unfinished[0]
          + (unfinished[0] == 1 ? " task" : " tasks")
          + " unfinished)";
    }
    Thread.State ts = t.getState();
    return switch (ts) {
      case RUNNABLE -> "runs (its thread is runnable)";
      case BLOCKED -> "runs; its thread is blocked on a monitor";
      default ->
          "runs; its thread is "
              + ts.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
              + (blocker == null ? "" : " on " + blocker.getClass().getName());
    };
  }

  private String channelWait(TaskNode<?> n, Parties.Watched ch, boolean sending, List<Edge> out) {
    String op = sending ? "send on " : "receive from ";
    String other = sending ? "receiver" : "sender";
    List<Parties.Party> parties = sending ? ch.receivers() : ch.senders();
    int forgotten = sending ? ch.forgottenReceivers() : ch.forgottenSenders();
    List<TaskNode<?>> live = new ArrayList<>();
    List<String> ended = new ArrayList<>();
    for (Parties.Party p : parties) {
      if (p == n) {
        continue;
      }
      if (p.partyEnded()) {
        ended.add("'" + p.partyName() + "'");
      } else if (p instanceof TaskNode<?> tn) {
        live.add(tn);
      }
    }
    StringBuilder w = new StringBuilder("waits to ").append(op).append(ch.describe());
    if (!live.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (TaskNode<?> p : live) {
        names.add("'" + p.name + "'" + (p.exec == exec ? "" : " (" + scopeOf(p) + ")"));
      }
      w.append("; live ")
          .append(other)
          .append(live.size() == 1 ? " " : "s ")
          .append(String.join(", ", names));
      if (live.size() == 1 && live.get(0).exec == exec) {
        out.add(
            new Edge(
                live.get(0), "waits to " + op + ch.describe() + ", whose only " + other + " is"));
      }
      return w.toString();
    }
    if (ch.ended() || (!sending && ch.hasBuffered())) {
      return w.append(" (it has just been completed)").toString();
    }
    if (!sending && ch.fedByClock()) {
      return w.append(", a timer: the clock puts its next element in").toString();
    }
    String why;
    if (!ended.isEmpty() || forgotten > 0) {
      String who =
          String.join(", ", ended)
              + (forgotten == 0 ? "" : (ended.isEmpty() ? "" : " and ") + forgotten + " more");
      int count = ended.size() + forgotten;
      why =
          sending
              ? (count == 1 ? "its only receiver " : "its receivers ")
                  + who
                  + (count == 1 ? " has" : " have all")
                  + " ended, so no live receiver remains"
              : (count == 1 ? "its only sender " : "its senders ")
                  + who
                  + (count == 1 ? " has" : " have all")
                  + " ended without close(), so no live sender remains";
    } else {
      why =
          "no task has "
              + (sending ? "received from" : "sent on")
              + " it, and it is not closed (parties outside this scope's tasks are not seen)";
    }
    w.append("; ").append(why);
    String line =
        ch.describe()
            + (sending
                ? " can never complete the send of '" + n.name + "': "
                : " can never complete the receive of '" + n.name + "': ")
            + why;
    stuck.add(line);
    return w.toString();
  }

  private static String scopeOf(TaskNode<?> p) {
    String name = p.exec.name();
    return name == null ? "another scope" : "scope '" + name + "'";
  }

  /** The first cycle among the edges, as one sentence; null if there is none. */
  private @Nullable String cycle(List<TaskNode<?>> order) {
    Map<TaskNode<?>, Integer> color = new HashMap<>(); // absent: unseen, 1: on path, 2: done
    for (TaskNode<?> start : order) {
      if (color.containsKey(start)) {
        continue;
      }
      List<TaskNode<?>> path = new ArrayList<>();
      List<Edge> via = new ArrayList<>();
      String found = dfs(start, color, path, via);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private @Nullable String dfs(
      TaskNode<?> n, Map<TaskNode<?>, Integer> color, List<TaskNode<?>> path, List<Edge> via) {
    color.put(n, 1);
    path.add(n);
    for (Edge e : edges.getOrDefault(n, List.of())) {
      Integer c = color.get(e.to());
      if (c == null) {
        via.add(e);
        String found = dfs(e.to(), color, path, via);
        if (found != null) {
          return found;
        }
        via.remove(via.size() - 1);
      } else if (c == 1) {
        int from = path.indexOf(e.to());
        List<Edge> loop = new ArrayList<>(via.subList(from, via.size()));
        loop.add(e);
        return sentence(path.get(from), loop);
      }
    }
    path.remove(path.size() - 1);
    color.put(n, 2);
    return null;
  }

  /**
   * {@code deadlock: 'a' waits to send on channel 'x', whose only receiver is 'b', and 'b'
   * waits for 'a''s result}.
   */
  private static String sentence(TaskNode<?> first, List<Edge> loop) {
    StringBuilder b = new StringBuilder("deadlock: '").append(first.name).append("'");
    for (int i = 0; i < loop.size(); i++) {
      Edge e = loop.get(i);
      if (e.words().endsWith(" is")) {
        b.append(" ").append(e.words()).append(" '").append(e.to().name).append("'");
      } else {
        b.append(" ").append(e.words());
      }
      if (i + 1 < loop.size()) {
        b.append(", and '").append(e.to().name).append("'");
      }
    }
    return b.toString();
  }
}
