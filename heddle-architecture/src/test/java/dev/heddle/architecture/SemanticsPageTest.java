package dev.heddle.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/semantics.md} matches the annotations. With the system property {@code
 * heddle.semantics.write=true} (what {@code ./build semantics} sets) the test writes the page
 * instead of comparing it.
 */
class SemanticsPageTest {

  /** The page, relative to this module's directory (the tests' working directory). */
  private static final Path PAGE = Path.of("..", "docs", "semantics.md");

  @Test
  void committedPage_matchesTheAnnotations() throws IOException {
    String generated = SemanticsPage.render(PublishedModules.onClassPath());
    if (Boolean.getBoolean("heddle.semantics.write")) {
      Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(PAGE)) {
      fail(
          PAGE.toAbsolutePath().normalize()
              + " is missing; generate it with "
              + SemanticsPage.COMMAND);
    }
    String committed = Files.readString(PAGE, StandardCharsets.UTF_8);
    staleness(committed, generated)
        .ifPresent(problem -> fail(PAGE.toAbsolutePath().normalize() + problem));
  }

  @Test
  void staleness_ofAPageThatDisagreesWithTheCode_namesTheLineAndTheCommand() {
    String generated = SemanticsPage.render(PublishedModules.onClassPath());
    String stale = generated.replace("| `join()` | MAY |", "| `join()` | NEVER |");
    String problem = staleness(stale, generated).orElseThrow();
    assertTrue(problem.contains("is stale"), problem);
    assertTrue(problem.contains(SemanticsPage.COMMAND), problem);
    assertTrue(
        problem.contains("| `join()` | NEVER |") && problem.contains("| `join()` | MAY |"),
        problem);
    assertTrue(staleness(generated, generated).isEmpty());
  }

  private static Optional<String> staleness(String committed, String generated) {
    if (committed.equals(generated)) {
      return Optional.empty();
    }
    return Optional.of(
        " is stale: the @Concurrency annotations changed since it was generated."
            + " Regenerate it with "
            + SemanticsPage.COMMAND
            + " and commit it. First difference: "
            + firstDifference(committed, generated));
  }

  @Test
  void page_listsOperationsWithTheirContracts() {
    String page = SemanticsPage.render(PublishedModules.onClassPath());
    assertTrue(
        page.contains("| `join()` | MAY | INTERRUPTIBLE | OWNER_ONLY | MAY | MIXED |"), page);
    assertTrue(
        page.contains("| `cancel()` | NEVER | RETURNS_PROMPTLY | ANY_THREAD | NEVER | CPU |"),
        page);
    assertTrue(page.contains("### `dev.heddle.testing.ManualClock`"), page);
    assertFalse(page.contains("**undeclared**"), "the page lists an undeclared operation");
  }

  private static String firstDifference(String committed, String generated) {
    String[] a = committed.split("\n", -1);
    String[] b = generated.split("\n", -1);
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String x = i < a.length ? a[i] : "(end of page)";
      String y = i < b.length ? b[i] : "(end of page)";
      if (!x.equals(y)) {
        return "line " + (i + 1) + " is \"" + x + "\" but should be \"" + y + "\"";
      }
    }
    return "none found line by line (line endings?)";
  }
}
