package dev.heddle.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record's JSON form reads back equal, and a reader refuses what it cannot read, saying why. */
class RecordJsonTest {

  private static final RunRecord RETRIED =
      new RunRecord(
          "processes(2)",
          Duration.ofNanos(987_654_321),
          List.of(
              new RunRecord.TaskRun(
                  "flaky",
                  List.of(),
                  RunRecord.Ending.FAILED,
                  "java.io.IOException: \"no\" <disk>",
                  List.of(
                      new RunRecord.AttemptRun(
                          1,
                          "worker 1 (pid 4242)",
                          Duration.ofNanos(1),
                          Duration.ofNanos(2),
                          Duration.ofNanos(2),
                          Duration.ofNanos(30),
                          Duration.ofNanos(30),
                          RunRecord.Ending.TIMED_OUT,
                          "timed out"),
                      new RunRecord.AttemptRun(
                          2,
                          "worker 2 (pid 4243)",
                          Duration.ofNanos(40),
                          Duration.ofNanos(41),
                          Duration.ofNanos(41),
                          Duration.ofNanos(50),
                          Duration.ofNanos(50),
                          RunRecord.Ending.FAILED,
                          "java.io.IOException: \"no\" <disk>")))));

  @Test
  void writeThenRead_givesTheSameRecord() {
    for (RecordJson.Saved saved :
        List.of(
            new RecordJson.Saved(RunAnalysisTest.RECORD, 2, Instant.parse("2026-12-06T14:00:00Z")),
            new RecordJson.Saved(RETRIED, 0, null))) {
      String json = RecordJson.write(saved);
      assertEquals(saved, RecordJson.read(json));
    }
  }

  @Test
  void write_isVersionedAndNamesEndingsInWords() {
    String json = RecordJson.write(new RecordJson.Saved(RETRIED, 2, null));
    assertTrue(json.contains("\"format\" : \"heddle-run-record\""), json);
    assertTrue(json.contains("\"version\" : 1"), json);
    assertTrue(json.contains("\"ending\" : \"timed out\""), json);
    assertTrue(json.contains("\"worker\" : \"worker 1 (pid 4242)\""), json);
  }

  @Test
  void read_refusesOtherFormatsNewerVersionsAndMissingFields() {
    assertEquals(
        "not a run record: its format is 'chrome', not 'heddle-run-record'",
        assertThrows(
                IllegalArgumentException.class, () -> RecordJson.read("{\"format\":\"chrome\"}"))
            .getMessage());
    assertEquals(
        "a run record of version 2, which this Heddle cannot read (it reads versions 1 to 1)",
        assertThrows(
                IllegalArgumentException.class,
                () -> RecordJson.read("{\"format\":\"heddle-run-record\",\"version\":2}"))
            .getMessage());
    assertEquals(
        "run record: 'tasks' is missing or not a list",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    RecordJson.read(
                        "{\"format\":\"heddle-run-record\",\"version\":1,\"runner\":\"x\",\"wallNanos\":1}"))
            .getMessage());
    assertTrue(
        String.valueOf(
                assertThrows(IllegalArgumentException.class, () -> RecordJson.read("{not json"))
                    .getMessage())
            .startsWith("not a run record: not JSON"));
  }
}
