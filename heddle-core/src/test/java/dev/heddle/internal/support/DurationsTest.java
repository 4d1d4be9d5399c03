package dev.heddle.internal.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "PT0S, 0ns",
    "PT0.000000999S, 999ns",
    "PT0.0000035S, 3.5µs",
    "PT0.25S, 250ms",
    "PT0.0015S, 1.5ms",
    "PT1S, 1s",
    "PT1.5S, 1.5s",
    "PT59.9S, 59.9s",
    "PT1M, 1m",
    "PT1M30S, 1m30s",
    "PT2M3S, 2m3s",
    "PT2M3.999S, 2m3s",
    "PT1H5M, 1h5m",
    "PT1H0M7S, 1h7s",
    "PT26H2M3S, 26h2m3s",
    "PT-1.5S, -1.5s",
  })
  void format_readsOneWay_belowAMinuteWithADecimal_aboveAsATaskFileWrites(
      String iso, String expected) {
    assertEquals(expected, Durations.format(Duration.parse(iso)));
  }
}
