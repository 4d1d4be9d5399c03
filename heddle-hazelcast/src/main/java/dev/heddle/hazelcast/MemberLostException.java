package dev.heddle.hazelcast;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The cluster member that ran a task was lost while the task ran: it left the cluster (its
 * JVM died or was shut down, the network to it broke) or it fell silent for longer than the
 * runner's {@linkplain ClusterRunner.Builder#memberSilence member-silence limit} (frozen,
 * overloaded, cut off). Whether the task's body ran to its end there cannot be known, so the
 * task is not run again unless it was declared {@linkplain ClusterRunner.Builder#idempotent
 * idempotent}.
 *
 * <p>The message names the task, the member's address, its process id when known and its
 * UUID, and how it was lost. When Hazelcast reported the loss, its exception is the cause.
 *
 * <p>It extends {@link RuntimeException} directly, as the worker-process runner's {@code
 * WorkerDiedException} does: no JDK type means "the machine that ran this is gone".
 */
public final class MemberLostException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String address;
  private final String uuid;
  private final long pid;

  MemberLostException(
      String message, String address, UUID uuid, long pid, @Nullable Throwable cause) {
    super(message, cause);
    this.address = address;
    this.uuid = uuid.toString();
    this.pid = pid;
  }

  /** The lost member's address, such as {@code 10.0.0.5:5701}. */
  public String address() {
    return address;
  }

  /** The lost member's Hazelcast UUID. */
  public UUID uuid() {
    return UUID.fromString(uuid);
  }

  /** The lost member's process id, or -1 if it did not say. */
  public long pid() {
    return pid;
  }
}
