/**
 * Heddle's cluster runner: task bodies run on the members of a Hazelcast cluster, placed,
 * retried and secured by Heddle, with member loss reported as explicitly as a worker
 * process's death.
 *
 * <p>Exports only {@code dev.heddle.hazelcast}; the messages between the caller and the
 * members and the member-side state are package-private.
 */
module dev.heddle.hazelcast {
  requires transitive dev.heddle.core;
  requires transitive dev.heddle.process;
  requires com.hazelcast.core;
  requires static org.jspecify;
  requires static com.google.errorprone.annotations;

  exports dev.heddle.hazelcast;
}
