package dev.heddle.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trace has a track per worker, a slice per attempt, a flow per dependency and the critical path marked. */
class ChromeTraceTest {

  @Test
  void trace_ofTheHandMadeRecord() throws Exception {
    JsonNode root =
        new ObjectMapper().readTree(ChromeTrace.write(RunAnalysis.of(RunAnalysisTest.RECORD)));
    Map<Integer, String> tracks = new HashMap<>();
    List<JsonNode> slices = new ArrayList<>();
    List<JsonNode> flows = new ArrayList<>();
    for (JsonNode e : root.get("traceEvents")) {
      switch (e.get("ph").asText()) {
        case "M" -> {
          if (e.get("name").asText().equals("thread_name")) {
            tracks.put(e.get("tid").asInt(), e.get("args").get("name").asText());
          }
        }
        case "X" -> slices.add(e);
        case "s", "f" -> flows.add(e);
        default -> throw new AssertionError("unexpected event " + e);
      }
    }
    assertEquals(Map.of(0, "critical path", 1, "w1", 2, "w2"), tracks);
    // a, b, c on the workers, and a, b again on the critical path's track
    assertEquals(5, slices.size());
    JsonNode c =
        slices.stream().filter(s -> s.get("name").asText().equals("c")).findFirst().orElseThrow();
    assertEquals(2, c.get("tid").asInt());
    assertEquals(16_000.0, c.get("ts").asDouble(), 1e-9);
    assertEquals(7_000.0, c.get("dur").asDouble(), 1e-9);
    assertEquals("succeeded", c.get("args").get("outcome").asText());
    assertEquals(1, c.get("args").get("attempt").asInt());
    assertTrue(!c.get("args").get("critical").asBoolean());
    long onPath = slices.stream().filter(s -> s.get("tid").asInt() == 0).count();
    assertEquals(2, onPath);
    assertTrue(
        slices.stream()
            .filter(s -> s.get("name").asText().equals("b"))
            .allMatch(s -> s.get("args").get("critical").asBoolean()));
    // a -> b and a -> c: a start and a finish each, the finish bound to the enclosing slice
    assertEquals(4, flows.size());
    JsonNode toC =
        flows.stream()
            .filter(
                f -> f.get("ph").asText().equals("f") && f.get("name").asText().equals("a -> c"))
            .findFirst()
            .orElseThrow();
    assertEquals("e", toC.get("bp").asText());
    assertEquals(16_000.0, toC.get("ts").asDouble(), 1e-9);
    assertEquals(2, toC.get("tid").asInt());
  }
}
