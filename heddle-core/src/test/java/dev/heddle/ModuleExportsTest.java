package dev.heddle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** heddle-core exports its API packages and nothing else: the engine stays internal. */
class ModuleExportsTest {

  // Surefire runs with the module's directory as working directory.
  private static final Path CLASSES = Path.of("target/classes");

  private static ModuleDescriptor descriptor() {
    assertTrue(
        Files.isRegularFile(CLASSES.resolve("module-info.class")),
        "no compiled module descriptor at " + CLASSES.toAbsolutePath());
    Set<ModuleReference> found = ModuleFinder.of(CLASSES).findAll();
    assertEquals(1, found.size(), "modules found in " + CLASSES.toAbsolutePath() + ": " + found);
    return found.iterator().next().descriptor();
  }

  @Test
  void module_isNamedDevHeddleCore() {
    assertEquals("dev.heddle.core", descriptor().name());
  }

  @Test
  void module_exportsExactlyTheApiPackages() {
    ModuleDescriptor d = descriptor();
    Set<String> exported =
        d.exports().stream()
            .filter(e -> !e.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet());
    assertEquals(
        Set.of(
            "dev.heddle",
            "dev.heddle.contract",
            "dev.heddle.time",
            "dev.heddle.spi",
            "dev.heddle.channel"),
        exported);
  }

  @Test
  void module_exportsItsSharedHelpersOnlyToHeddlesOwnModules() {
    Map<String, Set<String>> qualified =
        descriptor().exports().stream()
            .filter(ModuleDescriptor.Exports::isQualified)
            .collect(
                Collectors.toMap(
                    ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets));
    assertEquals(Map.of("dev.heddle.internal.support", Set.of("dev.heddle.process")), qualified);
  }

  @Test
  void module_opensNothing_andKeepsTheEngineInternal() throws ClassNotFoundException {
    ModuleDescriptor d = descriptor();
    assertFalse(d.isOpen(), "the module is open");
    assertEquals(Set.of(), d.opens(), "opened packages");
    // The engine and the in-JVM runners are package-private beside the API they serve; the
    // helpers other Heddle modules share are in a package exported only to them (ADR 9).
    assertEquals(
        Set.of(
            "dev.heddle",
            "dev.heddle.contract",
            "dev.heddle.time",
            "dev.heddle.spi",
            "dev.heddle.channel",
            "dev.heddle.internal.support"),
        d.packages(),
        "packages");
    for (String engine :
        List.of(
            "Execution",
            "TaskNode",
            "AbstractRunner",
            "AutoRunner",
            "ThreadsRunner",
            "VirtualRunner",
            "InlineRunner",
            "SeededRunner",
            "SemanticsChecks",
            "SystemTimeSource")) {
      Class<?> c = Class.forName("dev.heddle." + engine);
      assertFalse(Modifier.isPublic(c.getModifiers()), c + " is public");
    }
  }

  @Test
  void module_requiresOnlyJdkModulesAtRunTime() {
    Set<String> runtime =
        descriptor().requires().stream()
            .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
            .map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toSet());
    // The flight recorder events and checks, and the threads' CPU clock; all part of the JDK.
    assertEquals(Set.of("java.base", "java.management", "jdk.jfr"), runtime);
  }
}
