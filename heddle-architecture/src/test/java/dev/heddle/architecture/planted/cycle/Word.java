package dev.heddle.architecture.planted.cycle;

/** Vocabulary for the planted package rules: a leaf every package may use. */
public enum Word {
  HELLO
}
