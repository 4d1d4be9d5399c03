package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.contract.Semantics;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The default listener logs a violation once per kind and call site, at WARNING. */
class LoggingSemanticsListenerTest {

  /** A logger that keeps what it is given. */
  private record Kept(System.Logger.Level level, String message) {}

  private final List<Kept> records = new CopyOnWriteArrayList<>();

  private final System.Logger log =
      new System.Logger() {
        @Override
        public String getName() {
          return LoggingSemanticsListener.LOGGER;
        }

        @Override
        public boolean isLoggable(Level level) {
          return true;
        }

        @Override
        public void log(
            Level level,
            @Nullable ResourceBundle bundle,
            @Nullable String msg,
            @Nullable Throwable thrown) {
          records.add(new Kept(level, String.valueOf(msg)));
        }

        @Override
        public void log(
            Level level,
            @Nullable ResourceBundle bundle,
            @Nullable String format,
            @Nullable Object... params) {
          records.add(new Kept(level, String.valueOf(format)));
        }

        @Override
        public void log(Level level, Supplier<String> msgSupplier) {
          records.add(new Kept(level, msgSupplier.get()));
        }
      };

  private static SemanticsViolation blocked(String task, StackTraceElement... stack) {
    return new SemanticsViolation(
        task,
        1,
        Semantics.CPU,
        SemanticsViolation.Kind.BLOCKED,
        "slept for 1.0 ms (jdk.ThreadSleep)",
        "thread 'main'",
        List.of(stack),
        null);
  }

  private static SemanticsViolation offCpu(String task) {
    return new SemanticsViolation(
        task,
        1,
        Semantics.CPU,
        SemanticsViolation.Kind.OFF_CPU,
        "was blocked or waiting",
        "thread 'main'",
        List.of(),
        null);
  }

  private static final StackTraceElement SLEEP =
      new StackTraceElement("java.lang.Thread", "sleep", "Thread.java", 1);
  private static final StackTraceElement SITE_A =
      new StackTraceElement("com.example.A", "run", "A.java", 10);
  private static final StackTraceElement SITE_B =
      new StackTraceElement("com.example.B", "run", "B.java", 20);

  @Test
  void sameCallSite_isLoggedOnce_atWarning_withTheDescription() {
    LoggingSemanticsListener listener = new LoggingSemanticsListener(log);
    listener.onViolation(blocked("crunch-1", SLEEP, SITE_A));
    listener.onViolation(blocked("crunch-2", SLEEP, SITE_A));

    assertEquals(1, records.size(), "records: " + records.size());
    assertEquals(System.Logger.Level.WARNING, records.get(0).level());
    assertTrue(
        records.get(0).message().startsWith("task 'crunch-1' (attempt 1) declared "),
        records.get(0).message());
    assertTrue(
        records.get(0).message().contains("\n\tat com.example.A.run(A.java:10)"),
        records.get(0).message());
  }

  @Test
  void differentCallSites_areEachLogged() {
    LoggingSemanticsListener listener = new LoggingSemanticsListener(log);
    listener.onViolation(blocked("crunch", SLEEP, SITE_A));
    listener.onViolation(blocked("crunch", SLEEP, SITE_B));

    assertEquals(2, records.size());
  }

  @Test
  void reportsWithoutAStack_areLoggedOncePerTaskName_digitsIgnored() {
    LoggingSemanticsListener listener = new LoggingSemanticsListener(log);
    listener.onViolation(offCpu("fetch-1"));
    listener.onViolation(offCpu("fetch-2"));
    listener.onViolation(offCpu("parse-1"));

    assertEquals(2, records.size());
  }

  @Test
  void eachRunnerLogsForItself() {
    new LoggingSemanticsListener(log).onViolation(blocked("crunch", SITE_A));
    new LoggingSemanticsListener(log).onViolation(blocked("crunch", SITE_A));

    assertEquals(2, records.size(), "the once-only memory is per listener, not global");
  }
}
