/**
 * What a {@link dev.heddle.RunRecord} says: its analysis (work, span, critical path, overhead,
 * slack) and the makespan it predicts on other worker counts, its versioned JSON form, a
 * Chrome trace and a self-contained HTML report. See {@code docs/guide/performance.md}.
 */
module dev.heddle.report {
  requires transitive dev.heddle.core;
  requires com.fasterxml.jackson.databind;
  requires jdk.jfr;
  requires static org.jspecify;

  exports dev.heddle.report;
}
