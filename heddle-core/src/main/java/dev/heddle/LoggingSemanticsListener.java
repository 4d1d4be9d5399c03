package dev.heddle;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The default semantics listener: logs each violation through {@link System.Logger} at
 * {@code WARNING}, once per kind and call site (the innermost frame of the stack outside the
 * JDK; for a report without a stack, the task's name with its digits ignored, so that
 * {@code fetch-1} to {@code fetch-1000} count as one), so that a task run a million times is
 * reported once.
 */
final class LoggingSemanticsListener implements SemanticsListener {

  static final String LOGGER = "dev.heddle.semantics";

  /*
   * The set of sites already logged is per runner and bounded: past MAX_SITES, new sites are
   * no longer logged, and one message says so, rather than letting the set grow without end.
   */
  static final int MAX_SITES = 4_096;

  private final System.Logger log;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean full = new AtomicBoolean();

  LoggingSemanticsListener() {
    this(System.getLogger(LOGGER));
  }

  LoggingSemanticsListener(System.Logger log) {
    this.log = log;
  }

  @Override
  public void onViolation(SemanticsViolation v) {
    if (!log.isLoggable(System.Logger.Level.WARNING)) {
      return;
    }
    String site = callSite(v);
    String key = v.kind() + " " + (site.isEmpty() ? v.task().replaceAll("[0-9]+", "#") : site);
    if (logged.contains(key)) {
      return;
    }
    if (logged.size() >= MAX_SITES) {
      if (full.compareAndSet(false, true)) {
        log.log(
            System.Logger.Level.WARNING,
            "Heddle has logged semantics violations from "
                + MAX_SITES
                + " call sites; further call sites are not logged (give the runner a SemanticsListener to see them all)");
      }
      return;
    }
    if (logged.add(key)) {
      log.log(System.Logger.Level.WARNING, v.describe());
    }
  }

  /** The innermost frame outside the JDK, or the innermost frame, or "" for no stack. */
  static String callSite(SemanticsViolation v) {
    for (StackTraceElement e : v.stack()) {
      String c = e.getClassName();
      if (!(c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun."))) {
        return e.toString();
      }
    }
    return v.stack().isEmpty() ? "" : v.stack().get(0).toString();
  }

  @Override
  public String toString() {
    return "the log (" + LOGGER + ")";
  }
}
