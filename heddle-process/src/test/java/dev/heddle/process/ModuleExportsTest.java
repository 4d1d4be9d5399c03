package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** heddle-process exports its one API package; the protocol and the worker stay internal. */
class ModuleExportsTest {

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
  void module_exportsOnlyTheApiPackage_andRequiresOnlyTheCore() {
    ModuleDescriptor d = descriptor();
    assertEquals("dev.heddle.process", d.name());
    assertEquals(
        Set.of("dev.heddle.process"),
        d.exports().stream()
            .filter(e -> !e.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet()));
    // The internals are shared with the cluster runner only, never with users.
    assertEquals(
        Set.of("dev.heddle.process.internal -> [dev.heddle.hazelcast]"),
        d.exports().stream()
            .filter(ModuleDescriptor.Exports::isQualified)
            .map(e -> e.source() + " -> " + e.targets())
            .collect(Collectors.toSet()));
    assertFalse(d.isOpen());
    assertTrue(d.packages().contains("dev.heddle.process.internal"), "packages: " + d.packages());
    Set<String> runtime =
        d.requires().stream()
            .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
            .map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toSet());
    // jdk.net: the peer credentials of the control socket (SO_PEERCRED); a JDK module, no
    // dependency
    assertEquals(Set.of("java.base", "jdk.net", "dev.heddle.core"), runtime);
  }
}
