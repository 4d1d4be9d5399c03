package dev.heddle.architecture;

import org.junit.jupiter.api.Test;

/**
 * The package rules on Heddle's published modules: no package cycle in any of them, and the
 * vocabulary every package speaks stays a leaf. {@code heddle-cli}, which is not a named
 * module and not on this classpath, is one package.
 */
class PackageRulesTest {

  private static final PublishedModules MODULES = PublishedModules.onClassPath();

  @Test
  void publishedModules_haveNoPackageCycle() {
    PackageRules.noPackageCycles(PackageRules.HEDDLE, PackageRules.HEDDLE_VOCABULARY)
        .check(MODULES.classes());
  }

  @Test
  void vocabulary_dependsOnNothingElseOfHeddle() {
    PackageRules.vocabularyIsALeaf(PackageRules.HEDDLE, PackageRules.HEDDLE_VOCABULARY)
        .check(MODULES.classes());
  }
}
