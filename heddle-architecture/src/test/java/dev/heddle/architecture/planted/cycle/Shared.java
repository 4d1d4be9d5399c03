package dev.heddle.architecture.planted.cycle;

/**
 * A leaf type in the upper package that a lower package uses: still a cycle between the two
 * packages, since the rule has no exceptions.
 */
public enum Shared {
  LOUD
}
