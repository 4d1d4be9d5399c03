package dev.heddle.architecture.planted.cycle.b;

import dev.heddle.architecture.planted.cycle.a.Ping;

/** The other half: package b imports package a. */
public final class Pong {

  private Pong() {}

  public static String reply() {
    return Ping.name() + "-pong";
  }
}
