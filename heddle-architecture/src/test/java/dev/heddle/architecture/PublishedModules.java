package dev.heddle.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Heddle's published modules as found on this module's test classpath: every named module
 * whose name starts with {@code dev.heddle.}. Which modules those are is decided by the
 * dependencies in {@code heddle-architecture/pom.xml}, so bringing a new module under the
 * rules is one dependency there.
 *
 * <p>A module's public API is every public type (and every public or protected nested type
 * of such a type) in a package the module exports to everyone, and every public or
 * protected, non-synthetic method and constructor of those types.
 */
final class PublishedModules {

  /** One published module: its name, where its classes are, the packages it exports. */
  record Module(String name, Path location, Set<String> exports) {}

  private final List<Module> modules;
  private final JavaClasses classes;
  private final Map<String, Module> moduleOfPackage = new HashMap<>();

  private PublishedModules(List<Module> modules, JavaClasses classes) {
    this.modules = modules;
    this.classes = classes;
    for (Module m : modules) {
      for (String p : m.exports()) {
        moduleOfPackage.put(p, m);
      }
    }
  }

  /** Finds the published modules on the classpath and imports every class they hold. */
  static PublishedModules onClassPath() {
    List<Module> found = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      Optional<ModuleDescriptor> descriptor = descriptorAt(path);
      if (descriptor.isEmpty() && looksLikeHeddle(path)) {
        throw new IllegalStateException(
            entry
                + " is on heddle-architecture's test classpath but has no module-info.class:"
                + " the contract rules find the published modules by their module names (dev.heddle.*), so give the module a"
                + " module-info.java that exports its API packages, or remove the dependency if it is not a published module");
      }
      descriptor
          .filter(d -> d.name().startsWith("dev.heddle.") && !d.isAutomatic())
          .ifPresent(d -> found.add(new Module(d.name(), path, exportedPackages(d))));
    }
    if (found.isEmpty()) {
      throw new IllegalStateException(
          "no dev.heddle.* module on the test classpath of heddle-architecture: "
              + "its pom.xml must depend on every published module; classpath: "
              + System.getProperty("java.class.path"));
    }
    found.sort(Comparator.comparing(Module::name));
    Set<Location> locations = new HashSet<>();
    for (Module m : found) {
      locations.add(location(m.location()));
    }
    return new PublishedModules(
        List.copyOf(found), new ClassFileImporter().importLocations(locations));
  }

  /**
   * Whether a classpath entry is one of Heddle's modules: its jar ({@code heddle-x-1.0.jar})
   * or, in a reactor build, its {@code heddle-x/target/classes}. This module's own test
   * classes are not one.
   */
  static boolean looksLikeHeddle(Path entry) {
    Path name = entry.getFileName();
    if (name == null) {
      return false;
    }
    if (name.toString().matches("heddle-[a-z-]+-\\d.*\\.jar")) {
      return true;
    }
    Path target = entry.getParent();
    Path module = target == null ? null : target.getParent();
    return name.toString().equals("classes")
        && target != null
        && target.getFileName() != null
        && target.getFileName().toString().equals("target")
        && module != null
        && module.getFileName() != null
        && module.getFileName().toString().startsWith("heddle-")
        && !module.getFileName().toString().equals("heddle-architecture");
  }

  private static Location location(Path entry) {
    if (Files.isDirectory(entry)) {
      return Location.of(entry);
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      return Location.of(jar);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + entry, e);
    }
  }

  private static Set<String> exportedPackages(ModuleDescriptor d) {
    Set<String> packages = new TreeSet<>();
    for (ModuleDescriptor.Exports e : d.exports()) {
      if (!e.isQualified()) {
        packages.add(e.source());
      }
    }
    return packages;
  }

  /** The module descriptor at a classpath entry (a directory or a jar), if it has one. */
  private static Optional<ModuleDescriptor> descriptorAt(Path entry) {
    try {
      if (Files.isDirectory(entry)) {
        Path info = entry.resolve("module-info.class");
        if (!Files.isRegularFile(info)) {
          return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(info)) {
          return Optional.of(ModuleDescriptor.read(in));
        }
      }
      if (!Files.isRegularFile(entry) || !entry.toString().endsWith(".jar")) {
        return Optional.empty();
      }
      try (JarFile jar = new JarFile(entry.toFile())) {
        ZipEntry info = jar.getEntry("module-info.class");
        if (info == null) {
          return Optional.empty();
        }
        try (InputStream in = jar.getInputStream(info)) {
          return Optional.of(ModuleDescriptor.read(in));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the module descriptor of classpath entry " + entry, e);
    }
  }

  List<Module> modules() {
    return modules;
  }

  /** Every class of every published module, exported or not. */
  JavaClasses classes() {
    return classes;
  }

  /** The module whose exported package holds this class, if it is part of a public API. */
  Optional<Module> moduleOf(JavaClass c) {
    return Optional.ofNullable(moduleOfPackage.get(c.getPackageName()));
  }

  /** Whether a type is part of a published module's public API. */
  boolean isApi(JavaClass c) {
    return moduleOf(c).isPresent() && isVisibleType(c);
  }

  /**
   * Whether a type is visible outside its package: public, or a public or protected nested
   * type of such a type; not synthetic, not anonymous, not local.
   */
  static boolean isVisibleType(JavaClass c) {
    if (c.isAnonymousClass()
        || c.isLocalClass()
        || c.getModifiers().contains(JavaModifier.SYNTHETIC)) {
      return false;
    }
    Optional<JavaClass> enclosing = c.getEnclosingClass();
    if (enclosing.isEmpty()) {
      return c.getModifiers().contains(JavaModifier.PUBLIC);
    }
    boolean visible =
        c.getModifiers().contains(JavaModifier.PUBLIC)
            || c.getModifiers().contains(JavaModifier.PROTECTED);
    return visible && isVisibleType(enclosing.get());
  }

  /** Whether a method or constructor is visible outside its package, as written in source. */
  static boolean isVisibleMember(JavaCodeUnit u) {
    Set<JavaModifier> m = u.getModifiers();
    return (m.contains(JavaModifier.PUBLIC) || m.contains(JavaModifier.PROTECTED))
        && !m.contains(JavaModifier.SYNTHETIC)
        && !m.contains(JavaModifier.BRIDGE);
  }
}
