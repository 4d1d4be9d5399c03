package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.Test;

/** Workers are told the selector provider they would find, and only then. */
class SelectorProviderOptionTest {

  @Test
  void workersOnThisClassPath_areToldTheJdksOwnProvider() {
    String named = Pool.selectorProvider(true);
    assertNotNull(named, "this JVM uses the JDK's own provider, so the workers are told it");
    assertEquals(SelectorProvider.provider().getClass().getName(), named);
    assertEquals(Object.class.getModule(), SelectorProvider.provider().getClass().getModule());
  }

  @Test
  void workersOnAnotherClassPath_areToldNothing_forTheyMightFindAnother() {
    assertNull(Pool.selectorProvider(false));
  }
}
