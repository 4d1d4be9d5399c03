package dev.heddle.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard output is an interactive terminal, where a live view makes sense. */
final class Terminal {
  private Terminal() {}

  static boolean isInteractive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    String term = System.getenv("TERM");
    if (term == null || term.equals("dumb")) {
      return false;
    }
    try {
      // JDK 22+ returns a console even when redirected, and says so here.
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console));
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a console exists only for a terminal
    }
  }
}
