package dev.heddle.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heddle.RunRecord;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of a run record, version 1, documented in {@code docs/guide/performance.md}:
 *
 * <pre>{@code
 * {"format": "heddle-run-record", "version": 1,
 *  "runner": "threads(4)", "workers": 4, "recordedAt": "2026-12-06T14:00:00Z", "wallNanos": 123456789,
 *  "tasks": [{"name": "compile", "inputs": ["fetch"], "ending": "succeeded", "message": null,
 *             "attempts": [{"number": 1, "worker": "heddle-threads-1-worker-2", "readyNanos": 10,
 *                           "startedNanos": 12, "bodyStartedNanos": 15, "bodyEndedNanos": 90,
 *                           "endedNanos": 95, "ending": "succeeded", "message": null}]}]}
 * }</pre>
 *
 * <p>Times are whole nanoseconds from the start of the run. {@code workers} (0 when unknown) and
 * {@code recordedAt} (absent when unknown) are not part of {@link RunRecord}: the program that
 * saves a record adds them. A reader refuses another format or a newer version, naming it;
 * fields it does not know are ignored, so a later version may add fields without breaking it.
 */
@Concurrency(
    blocking = Semantics.Blocking.NEVER,
    callers = Semantics.Callers.ANY_THREAD,
    workload = Semantics.Workload.CPU)
public final class RecordJson {

  /** The value of the {@code format} field. */
  public static final String FORMAT = "heddle-run-record";

  /** The version this class writes, and the newest it reads. */
  public static final int VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RecordJson() {}

  /**
   * A record as saved: the record, and what the program that saved it knew besides.
   *
   * @param record the run record
   * @param workers how many workers the runner had; 0 if unknown
   * @param recordedAt when the run ended; {@code null} if unknown
   */
  public record Saved(RunRecord record, int workers, @Nullable Instant recordedAt) {
    /** Checks the record is there and {@code workers} is not negative. */
    public Saved {
      Objects.requireNonNull(record, "record");
      if (workers < 0) {
        throw new IllegalArgumentException("workers cannot be negative, got " + workers);
      }
    }
  }

  /** The record as JSON text. */
  public static String write(Saved saved) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    RunRecord r = saved.record();
    root.put("runner", r.runner());
    root.put("workers", saved.workers());
    Instant at = saved.recordedAt();
    if (at != null) {
      root.put("recordedAt", at.toString());
    }
    root.put("wallNanos", r.wall().toNanos());
    ArrayNode tasks = root.putArray("tasks");
    for (RunRecord.TaskRun t : r.tasks()) {
      ObjectNode task = tasks.addObject();
      task.put("name", t.name());
      ArrayNode inputs = task.putArray("inputs");
      t.inputs().forEach(inputs::add);
      task.put("ending", name(t.ending()));
      task.put("message", t.message());
      ArrayNode attempts = task.putArray("attempts");
      for (RunRecord.AttemptRun a : t.attempts()) {
        ObjectNode o = attempts.addObject();
        o.put("number", a.number());
        o.put("worker", a.worker());
        o.put("readyNanos", a.ready().toNanos());
        o.put("startedNanos", a.started().toNanos());
        o.put("bodyStartedNanos", a.bodyStarted().toNanos());
        o.put("bodyEndedNanos", a.bodyEnded().toNanos());
        o.put("endedNanos", a.ended().toNanos());
        o.put("ending", name(a.ending()));
        o.put("message", a.message());
      }
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write a run record as JSON", e);
    }
  }

  /**
   * Reads a record from JSON text.
   *
   * @throws IllegalArgumentException if the text is not JSON, not a run record, of a newer
   *     version, or lacks a field; the message names it
   */
  public static Saved read(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a run record: not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a run record: the JSON is not an object");
    }
    String format = root.path("format").asText("");
    if (!format.equals(FORMAT)) {
      throw new IllegalArgumentException(
          "not a run record: its format is '" + format + "', not '" + FORMAT + "'");
    }
    int version = root.path("version").asInt(0);
    if (version < 1 || version > VERSION) {
      throw new IllegalArgumentException(
          "a run record of version "
              + version
              + ", which this Heddle cannot read (it reads versions 1 to "
              + VERSION
              + ")");
    }
    List<RunRecord.TaskRun> tasks = new ArrayList<>();
    for (JsonNode t : array(root, "tasks")) {
      List<String> inputs = new ArrayList<>();
      for (JsonNode in : array(t, "inputs")) {
        inputs.add(in.asText());
      }
      List<RunRecord.AttemptRun> attempts = new ArrayList<>();
      for (JsonNode a : array(t, "attempts")) {
        attempts.add(
            new RunRecord.AttemptRun(
                a.path("number").asInt(1),
                text(a, "worker"),
                nanos(a, "readyNanos"),
                nanos(a, "startedNanos"),
                nanos(a, "bodyStartedNanos"),
                nanos(a, "bodyEndedNanos"),
                nanos(a, "endedNanos"),
                ending(a),
                optionalText(a, "message")));
      }
      tasks.add(
          new RunRecord.TaskRun(
              text(t, "name"), inputs, ending(t), optionalText(t, "message"), attempts));
    }
    Instant at = null;
    String recordedAt = optionalText(root, "recordedAt");
    if (recordedAt != null) {
      try {
        at = Instant.parse(recordedAt);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "run record: recordedAt is not an instant: '" + recordedAt + "'", e);
      }
    }
    return new Saved(
        new RunRecord(text(root, "runner"), nanos(root, "wallNanos"), tasks),
        Math.max(0, root.path("workers").asInt(0)),
        at);
  }

  /**
   * Writes the record to a file, replacing it. Blocks on the file system; not interruptible.
   *
   * @throws IOException if the file cannot be written
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  public static void write(Saved saved, Path file) throws IOException {
    Files.writeString(file, write(saved));
  }

  /**
   * Reads a record from a file. Blocks on the file system; not interruptible.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException as {@link #read(String)}, with the file's name
   */
  @Concurrency(
      blocking = Semantics.Blocking.MAY,
      cancellation = Semantics.Cancellation.NOT_INTERRUPTIBLE,
      callers = Semantics.Callers.ANY_THREAD,
      pinning = Semantics.Pinning.NEVER,
      workload = Semantics.Workload.IO)
  public static Saved read(Path file) throws IOException {
    String text = Files.readString(file);
    try {
      return read(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static String name(RunRecord.Ending e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  private static RunRecord.Ending ending(JsonNode node) {
    String text = text(node, "ending");
    try {
      return RunRecord.Ending.valueOf(text.toUpperCase(Locale.ROOT).replace(' ', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("run record: unknown ending '" + text + "'", e);
    }
  }

  private static Iterable<JsonNode> array(JsonNode node, String field) {
    JsonNode a = node.get(field);
    if (a == null || !a.isArray()) {
      throw new IllegalArgumentException("run record: '" + field + "' is missing or not a list");
    }
    return a;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("run record: '" + field + "' is missing or not text");
    }
    return v.asText();
  }

  private static @Nullable String optionalText(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Duration nanos(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToLong()) {
      throw new IllegalArgumentException(
          "run record: '" + field + "' is missing or not a whole number");
    }
    return Duration.ofNanos(v.asLong());
  }
}
