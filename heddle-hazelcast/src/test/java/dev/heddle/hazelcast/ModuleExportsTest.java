package dev.heddle.hazelcast;

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

/** heddle-hazelcast exports its one API package, to everyone, and nothing else. */
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
  void module_exportsOnlyTheApiPackage_andRequiresHazelcastAndHeddle() {
    ModuleDescriptor d = descriptor();
    assertEquals("dev.heddle.hazelcast", d.name());
    assertEquals(
        Set.of("dev.heddle.hazelcast"),
        d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
    assertTrue(
        d.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified),
        "exports: " + d.exports());
    assertFalse(d.isOpen());
    assertTrue(d.opens().isEmpty(), "opens: " + d.opens());
    Set<String> runtime =
        d.requires().stream()
            .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
            .map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toSet());
    assertEquals(
        Set.of("java.base", "dev.heddle.core", "dev.heddle.process", "com.hazelcast.core"),
        runtime);
  }
}
