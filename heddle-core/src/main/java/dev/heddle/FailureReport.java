package dev.heddle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;

/**
 * The reports a scope's join throws: the failure (the first task that failed, its path, its
 * attempts, the other failures, the tasks stopped because of it), the timeout and the
 * cancellation. It reads the tasks through their accessors alone, once every task has ended.
 */
final class FailureReport {

  private final NodeList nodes;
  private final @Nullable String scopeName;
  private final String label;

  /**
   * @param nodes every task of the scope, for the tasks stopped
   * @param scopeName the scope's name, or null
   * @param label the scope as messages name it
   */
  FailureReport(NodeList nodes, @Nullable String scopeName, String label) {
    this.nodes = nodes;
    this.scopeName = scopeName;
    this.label = label;
  }

  /**
   * The report of a scope's failures.
   *
   * @param first the failure to report: the one that stopped the scope, else the first recorded
   * @param failed every task that failed, in the order they failed ({@code first} among them)
   * @param failures every failure to attach as suppressed: failed attempts that were retried, then task failures
   * @param listenerErrors what the callbacks threw, attached as suppressed after the failures
   * @param results the scope's results, carried by the report
   */
  TaskFailedException failure(
      TaskNode<?> first,
      Collection<TaskNode<?>> failed,
      Iterable<Throwable> failures,
      Iterable<Throwable> listenerErrors,
      Results results) {
    Throwable cause = first.failure();
    List<String> path = pathTo(first);
    List<String> stopped = stoppedTasks();
    StringBuilder m =
        new StringBuilder("task '")
            .append(first.name())
            .append("' failed on ")
            .append(first.where())
            .append(" (attempt ")
            .append(first.attempt())
            .append(" of ")
            .append(first.maxAttempts())
            .append("): ")
            .append(cause);
    String unbound = cause == null ? null : UnboundScopedValue.hint(cause, first);
    if (unbound != null) {
      m.append("\n  ").append(unbound);
    }
    if (scopeName != null) {
      m.append("\n  scope: ").append(scopeName);
    }
    if (path.size() > 1) {
      m.append("\n  path: ").append(String.join(" -> ", path));
    }
    StackWalker.StackFrame site = first.submitSite();
    if (site != null) {
      m.append("\n  forked at: ").append(site);
    } else {
      StackTraceElement body = SubmitSite.bodyFrame(cause);
      if (body != null) {
        m.append("\n  body at: ").append(body);
      }
    }
    List<Results.AttemptRecord> earlier = first.failedAttempts();
    if (earlier != null) {
      for (Results.AttemptRecord a : earlier) {
        m.append("\n  attempt ")
            .append(a.number())
            .append(" of ")
            .append(first.maxAttempts())
            .append(" failed on ")
            .append(a.where())
            .append(": ")
            .append(a.failure());
      }
    }
    int others = failed.size() - 1;
    if (others > 0) {
      m.append("\n  also failed: ");
      int shown = 0;
      for (TaskNode<?> n : failed) {
        if (n == first) {
          continue;
        }
        if (shown == 10) {
          m.append(", and ").append(others - shown).append(" more");
          break;
        }
        m.append(shown++ == 0 ? "" : ", ").append('\'').append(n.name()).append('\'');
      }
      m.append(" (attached as suppressed exceptions)");
    }
    appendList(m, "stopped because of it", stopped);
    TaskFailedException e =
        new TaskFailedException(
            m.toString(),
            cause == null ? new IllegalStateException("no cause recorded") : cause,
            first.name(),
            first.where(),
            first.attempt(),
            first.maxAttempts(),
            path,
            stopped,
            SubmitSite.element(site),
            results);
    for (Throwable t : failures) {
      if (t != cause) {
        e.addSuppressed(t);
      }
    }
    listenerErrors.forEach(e::addSuppressed);
    return e;
  }

  /**
   * The report of a scope whose deadline stopped it.
   *
   * @param reason why it stopped, naming the timeout
   * @param timeout the timeout that set the deadline
   * @param running the tasks running when the deadline passed
   */
  ScopeTimeoutException timeout(
      String reason, Duration timeout, List<TaskTimeoutException.RunningTask> running) {
    List<String> stopped = stoppedTasks();
    StringBuilder m = new StringBuilder(label).append(" timed out: ").append(reason);
    if (running.isEmpty()) {
      m.append("; no task was running");
    } else {
      m.append("; running at that moment: ");
      for (int i = 0; i < running.size(); i++) {
        if (i == 10) {
          m.append(", and ").append(running.size() - 10).append(" more");
          break;
        }
        m.append(i == 0 ? "" : ", ").append('\'').append(running.get(i).task()).append('\'');
      }
      m.append(" (their stacks are attached as suppressed exceptions)");
    }
    appendList(m, "stopped", stopped);
    return new ScopeTimeoutException(m.toString(), scopeName, timeout, running, stopped);
  }

  /** The report of a scope cancelled from outside: the tasks it stopped. */
  CancellationException cancellation() {
    List<String> stopped = stoppedTasks();
    StringBuilder m =
        new StringBuilder(scopeName == null ? "the scope was cancelled" : label + " was cancelled");
    appendList(m, "stopped", stopped);
    return new CancellationException(m.toString());
  }

  private List<String> stoppedTasks() {
    List<String> stopped = new ArrayList<>();
    nodes.forEach(
        n -> {
          int s = n.state();
          if (s == TaskNode.SKIPPED) {
            stopped.add(n.name() + ": skipped, " + n.reason());
          } else if (s == TaskNode.CANCELLED) {
            stopped.add(n.name() + ": cancelled, " + n.reason());
          }
        });
    return stopped;
  }

  private static void appendList(StringBuilder m, String title, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    m.append("\n  ").append(title).append(" (").append(items.size()).append("):");
    int limit = Math.min(items.size(), 20);
    for (int i = 0; i < limit; i++) {
      m.append("\n    ").append(items.get(i));
    }
    if (items.size() > limit) {
      m.append("\n    ... and ")
          .append(items.size() - limit)
          .append(" more (see TaskFailedException.stopped())");
    }
  }

  /** From a task without inputs to {@code node}, following first inputs. */
  private static List<String> pathTo(TaskNode<?> node) {
    ArrayList<String> path = new ArrayList<>();
    TaskNode<?> n = node;
    while (true) {
      path.add(n.name());
      TaskNode<?> in = n.firstInput();
      if (in == null || path.size() > 10_000) {
        break;
      }
      n = in;
    }
    Collections.reverse(path);
    return path;
  }
}
