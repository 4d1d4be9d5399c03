package dev.heddle.architecture.planted.cycle.words;

/** A leaf package every other planted package may use: no cycle goes through it. */
public enum Word {
  HELLO
}
