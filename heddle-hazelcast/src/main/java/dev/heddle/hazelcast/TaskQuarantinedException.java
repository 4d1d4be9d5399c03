package dev.heddle.hazelcast;

import java.util.List;

/**
 * A task was lost with its member as many times as the runner's {@linkplain
 * ClusterRunner.Builder#quarantineAfter quarantine limit} allows, so the runner no longer
 * sends it anywhere: a task that kills the JVM it runs in cannot take the cluster down one
 * member after another. The message lists the members it was lost with.
 *
 * <p>The quarantine lasts as long as the runner and applies to every task of that name.
 */
public final class TaskQuarantinedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> history;

  TaskQuarantinedException(String task, List<String> history) {
    super(
        "task '"
            + task
            + "' is quarantined: it was running when "
            + history.size()
            + " member"
            + (history.size() == 1 ? "" : "s")
            + " were lost ("
            + String.join("; ", history)
            + "), so it is not sent to another one");
    this.history = List.copyOf(history);
  }

  /** How each member was lost while running the task, oldest first. */
  public List<String> history() {
    return history;
  }
}
