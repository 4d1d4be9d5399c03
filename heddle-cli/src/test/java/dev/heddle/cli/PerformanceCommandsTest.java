package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heddle.RunRecord;
import dev.heddle.report.RecordJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** heddle run's record, trace, report and end line, and heddle report and plan: the real launcher on real files. */
@Timeout(180)
class PerformanceCommandsTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  private Path project() throws IOException {
    Path file = temp.resolve("tasks.yaml");
    Files.writeString(
        file,
        """
        tasks:
          a: {run: 'sleep 0.2'}
          b: {run: 'sleep 2', needs: a}
          c: {run: 'true', needs: a}
          d: {run: 'true', needs: [b, c]}
        """);
    return file;
  }

  @Test
  void run_keepsItsRecord_writesTraceAndReport_andEndsWithTheCriticalPathLine()
      throws IOException, InterruptedException {
    Path file = project();
    Path trace = temp.resolve("out/run.trace.json");
    Path report = temp.resolve("out/run.html");
    HeddleProcess.Run run =
        HeddleProcess.heddle(
            "run",
            "--progress",
            "plain",
            "--jobs",
            "2",
            "--trace",
            trace.toString(),
            "--report",
            report.toString(),
            file.toString());
    assertEquals(0, run.exit(), run.all());
    String last = run.out().lines().reduce((x, y) -> y).orElse("");
    assertTrue(
        Pattern.matches(
            "heddle: critical path [0-9.]+m?s \\(3 tasks\\), parallelism [0-9.]+;"
                + " on 4 jobs: [0-9.]+m?s predicted",
            last),
        run.all());

    List<Path> records = Performance.records(temp.resolve(".heddle/runs"));
    assertEquals(1, records.size(), records.toString());
    RecordJson.Saved saved = RecordJson.read(records.get(0));
    assertEquals(2, saved.workers());
    assertEquals(
        List.of("a", "b", "c", "d"),
        saved.record().tasks().stream().map(RunRecord.TaskRun::name).toList());
    java.util.regex.Matcher in = Pattern.compile("cancelled in (\\S+)\n").matcher(run.out());
    assertTrue(in.find(), run.all());
    assertEquals(
        dev.heddle.internal.support.Durations.format(saved.record().wall()),
        in.group(1),
        "the summary line times the run on the record's clock, which the prediction uses: "
            + run.out());
    RunRecord.AttemptRun b = saved.record().tasks().get(1).attempts().get(0);
    assertTrue(
        b.body().compareTo(Duration.ofMillis(2000)) >= 0,
        "b slept 2 s but its body took " + b.body());

    JsonNode events = new ObjectMapper().readTree(trace.toFile()).get("traceEvents");
    int slices = 0;
    for (JsonNode e : events) {
      if (e.get("ph").asText().equals("X") && e.get("tid").asInt() != 0) {
        slices++;
      }
    }
    assertEquals(4, slices);
    String html = Files.readString(report);
    assertTrue(html.contains("id=\"critical-path\"") && html.contains("<svg id=\"gantt\""), html);

    Path again = temp.resolve("again.html");
    HeddleProcess.Run reported =
        HeddleProcess.heddle("report", "--output", again.toString(), records.get(0).toString());
    assertEquals(0, reported.exit(), reported.all());
    assertTrue(Files.readString(again).contains("id=\"predictions\""));

    HeddleProcess.Run plan =
        HeddleProcess.heddle("plan", "--jobs", "1,2,8", "--json", file.toString());
    assertEquals(0, plan.exit(), plan.all());
    JsonNode json = new ObjectMapper().readTree(plan.out());
    assertEquals(List.of("a", "b", "d"), names(json.get("criticalPath")));
    JsonNode predictions = json.get("predictions");
    assertEquals(3, predictions.size());
    assertEquals(8, predictions.get(2).get("workers").asInt());
    double one = predictions.get(0).get("wallSeconds").asDouble();
    double two = predictions.get(1).get("wallSeconds").asDouble();
    assertTrue(one >= two, plan.out());
    assertTrue(two >= predictions.get(1).get("spanSeconds").asDouble(), plan.out());
    assertEquals(List.of(), names(json.get("missingEstimates")));

    // a task the record has never seen
    Files.writeString(file, Files.readString(file) + "  e: {run: 'true', needs: d}\n");
    HeddleProcess.Run text = HeddleProcess.heddle("plan", file.toString());
    assertEquals(0, text.exit(), text.all());
    assertTrue(text.out().contains("critical path: a -> b -> d"), text.out());
    assertTrue(
        text.out()
            .contains(
                "lacks estimates for 1 task that did not succeed in that run, counted at the median task"),
        text.out());
    assertTrue(text.out().endsWith(": e\n"), text.out());
  }

  @Test
  void flightRecording_ofARun_givesTheReportAndThePlan_asItsSavedRecordDoes()
      throws IOException, InterruptedException {
    Path file = project();
    Path jfr = temp.resolve("production.jfr");
    ProcessBuilder recorded =
        HeddleProcess.builder("run", "--progress", "plain", "--jobs", "2", file.toString());
    recorded
        .environment()
        .put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
    HeddleProcess.Run run = HeddleProcess.finish(recorded.start(), 120);
    assertEquals(0, run.exit(), run.all());
    assertTrue(Files.size(jfr) > 0, run.all());

    Path html = temp.resolve("from-jfr.html");
    HeddleProcess.Run report =
        HeddleProcess.heddle("report", "--output", html.toString(), jfr.toString());
    assertEquals(0, report.exit(), report.all());
    String page = Files.readString(html);
    assertTrue(page.contains("id=\"critical-path\"") && page.contains("<svg id=\"gantt\""), page);
    Path again = temp.resolve("from-jfr-option.html");
    HeddleProcess.Run option =
        HeddleProcess.heddle("report", "--jfr", jfr.toString(), "-o", again.toString());
    assertEquals(0, option.exit(), option.all());
    assertTrue(Files.readString(again).contains("id=\"predictions\""));

    HeddleProcess.Run fromJfr =
        HeddleProcess.heddle(
            "plan", "--jobs", "1,2,8", "--json", "--from", jfr.toString(), file.toString());
    assertEquals(0, fromJfr.exit(), fromJfr.all());
    HeddleProcess.Run fromRecord =
        HeddleProcess.heddle("plan", "--jobs", "1,2,8", "--json", file.toString());
    assertEquals(0, fromRecord.exit(), fromRecord.all());
    JsonNode a = new ObjectMapper().readTree(fromJfr.out());
    JsonNode b = new ObjectMapper().readTree(fromRecord.out());
    assertEquals(List.of("a", "b", "d"), names(a.get("criticalPath")), fromJfr.out());
    assertEquals(names(b.get("criticalPath")), names(a.get("criticalPath")));
    assertEquals(List.of(), names(a.get("missingEstimates")));
    assertEquals(
        b.get("workSeconds").asDouble(),
        a.get("workSeconds").asDouble(),
        1e-9,
        "the same bodies' times in both: " + fromJfr.out() + fromRecord.out());
    for (int i = 0; i < 3; i++) {
      double want = b.get("predictions").get(i).get("wallSeconds").asDouble();
      double got = a.get("predictions").get(i).get("wallSeconds").asDouble();
      assertTrue(
          Math.abs(got - want) <= 0.1 * want,
          "predicted " + got + " s from the recording, " + want + " s from the record");
    }

    HeddleProcess.Run noSuchRun =
        HeddleProcess.heddle("report", "--run", "999", "--jfr", jfr.toString());
    assertEquals(2, noSuchRun.exit(), noSuchRun.all());
    assertTrue(noSuchRun.err().contains("has no run 999; it has 1 run: "), noSuchRun.err());
  }

  @Test
  void plan_withoutAnyRecordedRun_saysToRunFirst() throws IOException, InterruptedException {
    HeddleProcess.Run plan = HeddleProcess.heddle("plan", project().toString());
    assertEquals(2, plan.exit(), plan.all());
    assertTrue(
        plan.err().contains("has no recorded run yet")
            && plan.err().contains("run it once with 'heddle run'"),
        plan.err());
  }

  @Test
  void save_keepsTheNewestTenRecords() throws IOException {
    RunRecord record = new RunRecord("threads(1)", Duration.ofMillis(1), List.of());
    List<Path> saved = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      saved.add(
          Performance.save(
              temp,
              new RecordJson.Saved(
                  record, 1, Instant.parse("2026-12-06T14:00:00Z").plusSeconds(i))));
    }
    List<Path> kept = Performance.records(temp.resolve(".heddle/runs"));
    assertEquals(saved.subList(2, 12), kept);
    assertEquals(saved.get(11), Performance.latest(temp));
  }

  private static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.asText()));
    return names;
  }
}
