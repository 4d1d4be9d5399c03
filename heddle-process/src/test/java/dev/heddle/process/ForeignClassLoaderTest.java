package dev.heddle.process;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program started by a tool that loads it in a class loader of its own, as {@code mvn
 * exec:java} does: this JVM's class path is the tool's, so workers started with it could not
 * run. The runner says so when it is built, naming the fix, instead of failing at the first
 * task.
 */
class ForeignClassLoaderTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  private static Path locationOf(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  @Test
  void build_whenHeddleWasLoadedFromOutsideTheClassPath_failsNamingTheFix() throws Exception {
    // heddle-process loaded from a copy that is on no class path, as exec:java loads a project.
    Path copy = temp.resolve("project-classes");
    copyTree(locationOf(ProcessRunner.class), copy);
    URL[] urls = {copy.toUri().toURL(), locationOf(dev.heddle.Runner.class).toUri().toURL()};
    try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      Class<?> runner = Class.forName(ProcessRunner.class.getName(), true, loader);
      Object builder = runner.getMethod("builder").invoke(null);
      InvocationTargetException e =
          assertThrows(
              InvocationTargetException.class,
              () -> builder.getClass().getMethod("build").invoke(builder));
      IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
      String message = String.valueOf(cause.getMessage());
      assertTrue(
          message.contains("does not hold heddle-process (loaded from " + copy + ")"), message);
      assertTrue(
          message.contains(
              "class path, " + System.getProperty("java.class.path").split(File.pathSeparator)[0]),
          message);
      assertTrue(message.contains("mvn exec:java"), message);
      assertTrue(message.contains("ProcessRunner.builder().classpath(...)"), message);
      assertTrue(message.contains("mvn exec:exec"), message);
    }
  }

  @Test
  void requireOnClassPath_followsTheClassPathOfAManifestOnlyJar() throws Exception {
    // Surefire, and some launchers, put one jar on the class path whose manifest lists the rest.
    Path own = locationOf(ProcessRunner.class);
    Path booter = temp.resolve("booter.jar");
    var manifest = new java.util.jar.Manifest();
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest
        .getMainAttributes()
        .put(java.util.jar.Attributes.Name.CLASS_PATH, own.toUri().toString());
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(booter), manifest)) {
      out.flush();
    }
    assertDoesNotThrow(
        () ->
            ProcessRunner.Builder.requireOnClassPath(
                List.of(booter.toString()), ProcessRunner.class));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                ProcessRunner.Builder.requireOnClassPath(
                    List.of(temp.toString()), ProcessRunner.class));
    String message = String.valueOf(e.getMessage());
    assertTrue(
        message.startsWith(
            "process runner: its workers would start with this JVM's class path, "
                + temp
                + ", which"),
        message);
  }

  @Test
  void build_withAnExplicitClassPath_isNotChecked() {
    assertDoesNotThrow(
        () ->
            ProcessRunner.Builder.requireOnClassPath(
                List.of(System.getProperty("java.class.path").split(File.pathSeparator)),
                ProcessRunner.class));
  }
}
