package dev.heddle.architecture.planted.cycle.a;

import dev.heddle.architecture.planted.cycle.b.Pong;

/** Half of a package cycle: package a imports package b. */
public final class Ping {

  private Ping() {}

  public static String name() {
    return "ping";
  }

  public static String answer() {
    return Pong.reply();
  }
}
