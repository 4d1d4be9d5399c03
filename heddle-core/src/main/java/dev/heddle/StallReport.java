package dev.heddle;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a scope's {@code join} was waiting for when it had waited longer than its stall
 * threshold (see {@link ScopeOptions#stallReport(Duration)}): every unfinished task and
 * handler with its state, its stack when it runs in this JVM, and what it waits for; the
 * channels that no live task can ever complete; and the cycle in the wait-for graph, when
 * there is one, in one sentence.
 *
 * {@snippet class=dev.heddle.StallReportTest region=stallReport}
 *
 * <p>{@link #toString()} is the readable report, the one the default listener logs.
 *
 * <p>Plain immutable data, a snapshot taken while the tasks kept running; any thread may
 * read it. No method blocks.
 *
 * @param scope the scope as messages name it: {@code scope 'name'}, or {@code scope on
 *     RUNNER}
 * @param waited how long {@code join} had waited when the report was taken
 * @param tasks every task and handler not yet ended, in the order they were forked
 * @param stuckChannels one line per channel that a waiting task can never see complete: no
 *     live task remains on its other side, and it was not closed
 * @param deadlock the cycle in the wait-for graph as a sentence ({@code deadlock: 'producer'
 *     waits to send on channel 'jobs', whose only receiver is 'consumer' ...}), or null if
 *     none was found
 */
public record StallReport(
    String scope,
    Duration waited,
    List<WaitingTask> tasks,
    List<String> stuckChannels,
    @Nullable String deadlock) {

  /** Copies the lists; checks that nothing is null. */
  public StallReport {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(waited, "waited");
    tasks = List.copyOf(tasks);
    stuckChannels = List.copyOf(stuckChannels);
  }

  /** Where an unfinished task stands. */
  public enum State {
    /** Some of its inputs have not yet succeeded. */
    WAITING_FOR_INPUTS,
    /** Ready, waiting for a free worker of the runner. */
    QUEUED,
    /** An attempt is running. */
    RUNNING,
    /** Waiting out the backoff before its next attempt. */
    BACKOFF
  }

  /**
   * One unfinished task or handler.
   *
   * @param name the task's name
   * @param handler whether it is a handler ({@link Scope#forkHandler})
   * @param state where it stands
   * @param attempt the number of its current attempt; 0 before the first
   * @param where where its attempt runs, as the runner says it ({@code threads(2), thread
   *     'heddle-1'}, {@code processes(4), worker pid 4242}); {@code not started} before that
   * @param waitsFor what it waits for, in words: its unfinished inputs, a channel's send or
   *     receive with that channel's other parties, another scope's join, or only that it runs
   * @param stack the stack of its running attempt, when the runner can tell it; empty
   *     otherwise
   */
  public record WaitingTask(
      String name,
      boolean handler,
      State state,
      int attempt,
      String where,
      String waitsFor,
      List<StackTraceElement> stack) {

    /** Copies the stack; checks that nothing is null. */
    public WaitingTask {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(where, "where");
      Objects.requireNonNull(waitsFor, "waitsFor");
      stack = List.copyOf(stack);
    }
  }

  /** The frames of each stack that {@link #toString()} shows; the record keeps them all. */
  private static final int FRAMES_SHOWN = 12;

  /** The report as the default listener logs it: a headline, the deadlock, the stuck channels, then each task. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append("stall: ")
        .append(scope)
        .append(": join has waited ")
        .append(dev.heddle.internal.support.Durations.format(waited))
        .append(" for ")
        .append(tasks.size())
        .append(tasks.size() == 1 ? " unfinished task" : " unfinished tasks");
    if (deadlock != null) {
      b.append("\n").append(deadlock);
    }
    for (String c : stuckChannels) {
      b.append("\n").append(c);
    }
    for (WaitingTask t : tasks) {
      b.append("\n  ")
          .append(t.handler() ? "handler '" : "'")
          .append(t.name())
          .append("' (")
          .append(stateWords(t.state()));
      if (t.attempt() > 0) {
        b.append(", attempt ").append(t.attempt());
      }
      if (t.state() == State.RUNNING) {
        b.append(", on ").append(t.where());
      }
      b.append("): ").append(t.waitsFor());
      int shown = Math.min(FRAMES_SHOWN, t.stack().size());
      for (int i = 0; i < shown; i++) {
        b.append("\n      at ").append(t.stack().get(i));
      }
      if (t.stack().size() > shown) {
        b.append("\n      ... ").append(t.stack().size() - shown).append(" more");
      }
    }
    return b.toString();
  }

  private static String stateWords(State s) {
    return switch (s) {
      case WAITING_FOR_INPUTS -> "waiting for inputs";
      case QUEUED -> "queued";
      case RUNNING -> "running";
      case BACKOFF -> "in backoff";
    };
  }
}
