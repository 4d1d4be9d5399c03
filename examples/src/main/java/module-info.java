/** Small programs that show Heddle at work; used by the README and tested as a user runs them. */
module dev.heddle.examples {
  requires dev.heddle.core;
  requires static org.jspecify;
}
