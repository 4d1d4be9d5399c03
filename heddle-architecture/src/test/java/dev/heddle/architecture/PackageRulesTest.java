package dev.heddle.architecture;

import org.junit.jupiter.api.Test;

/**
 * The package rule on Heddle's published modules: no package cycle in any of them, with no
 * exception. {@code heddle-cli}, which is not a named module and not on this classpath, is one
 * package.
 */
class PackageRulesTest {

  private static final PublishedModules MODULES = PublishedModules.onClassPath();

  @Test
  void publishedModules_haveNoPackageCycle() {
    PackageRules.noPackageCycles(PackageRules.HEDDLE).check(MODULES.classes());
  }
}
