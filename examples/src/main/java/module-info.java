/** Small programs that show Heddle at work; used by the README and tested as a user runs them. */
module dev.heddle.examples {
  requires dev.heddle.core;
  requires dev.heddle.hazelcast;
  requires jdk.unsupported; // sun.misc.Signal: EventServer turns SIGINT into an interrupt
  requires static org.jspecify;
}
