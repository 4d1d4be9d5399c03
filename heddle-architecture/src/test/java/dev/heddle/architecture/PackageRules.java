package dev.heddle.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The build's rule on how packages depend on each other: dependencies between the packages of
 * a published module go one way, with no exception, so that each package can be read, tested
 * and changed knowing only the packages below it. (The words every package speaks, the
 * contract annotation and the clock, are in packages of their own at the bottom: {@code
 * dev.heddle.contract} and {@code dev.heddle.time}, ADR 7.)
 */
final class PackageRules {

  /** Heddle's own packages. */
  static final String HEDDLE = "dev.heddle";

  private PackageRules() {}

  /**
   * No cycle among the packages under {@code root}; each cycle is reported with the
   * dependencies that form it.
   */
  static ArchRule noPackageCycles(String root) {
    return slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass c) {
                String p = element(c).getPackageName();
                if (!p.equals(root) && !p.startsWith(root + ".")) {
                  return SliceIdentifier.ignore();
                }
                return SliceIdentifier.of("package " + p);
              }

              @Override
              public String getDescription() {
                return "the packages under " + root;
              }
            })
        .should()
        .beFreeOfCycles()
        .because(
            "dependencies between packages go one way; break a cycle by moving the type that closes it to the"
                + " package that needs it, by moving types both packages need to a package below both, or by"
                + " having the lower package define an interface the upper one implements (see DEVELOPERS.md,"
                + " \"Where to change what\")");
  }

  /** An array type stands for its element type (an enum's {@code values()} returns its own array). */
  private static JavaClass element(JavaClass c) {
    return c.isArray() ? c.getBaseComponentType() : c;
  }
}
