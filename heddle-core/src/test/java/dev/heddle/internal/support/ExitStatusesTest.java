package dev.heddle.internal.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExitStatusesTest {

  @Test
  void describe_namesTheSignalOneWay() {
    assertEquals("exit status 137, killed (SIGKILL, signal 9)", ExitStatuses.describe(137));
    assertEquals("exit status 143, terminated (SIGTERM, signal 15)", ExitStatuses.describe(143));
    assertEquals("exit status 130, interrupted (SIGINT, signal 2)", ExitStatuses.describe(130));
    assertEquals(
        "exit status 138, ended by a signal (SIGUSR1, signal 10)", ExitStatuses.describe(138));
    assertEquals("exit status 168, ended by a signal (signal 40)", ExitStatuses.describe(168));
  }

  @Test
  void describe_withoutASignal_saysTheStatus() {
    assertEquals("exit status 2", ExitStatuses.describe(2));
    assertEquals("exit status 127 (command not found)", ExitStatuses.describe(127));
    assertEquals("exit status 126 (found but could not be executed)", ExitStatuses.describe(126));
    assertEquals("exit status 128", ExitStatuses.describe(128));
    assertEquals("exit status 193", ExitStatuses.describe(193));
  }

  @Test
  void bySignal_coversTheSignalsLinuxHas() {
    assertFalse(ExitStatuses.bySignal(128));
    assertTrue(ExitStatuses.bySignal(129));
    assertTrue(ExitStatuses.bySignal(192));
    assertFalse(ExitStatuses.bySignal(193));
    assertTrue(ExitStatuses.byInterrupt(130));
    assertEquals("SIGKILL", ExitStatuses.name(9));
    assertEquals("signal 64", ExitStatuses.name(64));
  }
}
