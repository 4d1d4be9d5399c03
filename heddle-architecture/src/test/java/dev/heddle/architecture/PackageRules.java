package dev.heddle.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Set;
import java.util.TreeSet;

/**
 * The build's rules on how packages depend on each other: dependencies between the packages
 * of a published module go one way, so that each package can be read, tested and changed
 * knowing only the packages below it.
 *
 * <p>A few leaf types form the vocabulary every package speaks (for Heddle: the contract
 * annotation {@code Concurrency}, the {@code Semantics} its values come from, and the clock
 * {@code TimeSource}). They live in the API package where users meet them, but count as a
 * layer of their own below every package, and a second rule keeps them leaves: they depend
 * on nothing of the project's outside the vocabulary.
 */
final class PackageRules {

  /** Heddle's own packages. */
  static final String HEDDLE = "dev.heddle";

  /** Heddle's vocabulary: leaf types every package may use (see the class comment). */
  static final Set<String> HEDDLE_VOCABULARY =
      Set.of("dev.heddle.Concurrency", "dev.heddle.Semantics", "dev.heddle.TimeSource");

  private PackageRules() {}

  /**
   * No cycle among the packages under {@code root} (the vocabulary types counted as a layer
   * of their own); each cycle is reported with the dependencies that form it.
   */
  static ArchRule noPackageCycles(String root, Set<String> vocabulary) {
    return slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass c) {
                if (!isUnder(c, root)) {
                  return SliceIdentifier.ignore();
                }
                if (isVocabulary(c, vocabulary)) {
                  return SliceIdentifier.of("vocabulary " + new TreeSet<>(vocabulary));
                }
                return SliceIdentifier.of("package " + element(c).getPackageName());
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
                + " package that needs it, or by having the lower package define an interface the upper one implements"
                + " (see DEVELOPERS.md, \"Where to change what\")");
  }

  /** The vocabulary types depend on nothing under {@code root} but each other. */
  static ArchRule vocabularyIsALeaf(String root, Set<String> vocabulary) {
    DescribedPredicate<JavaClass> vocabularyType =
        DescribedPredicate.describe(
            "are the vocabulary " + new TreeSet<>(vocabulary), c -> isVocabulary(c, vocabulary));
    DescribedPredicate<JavaClass> restOfTheProject =
        DescribedPredicate.describe(
            "are under " + root + " but outside the vocabulary",
            c -> isUnder(c, root) && !isVocabulary(c, vocabulary));
    return noClasses()
        .that(vocabularyType)
        .should()
        .dependOnClassesThat(restOfTheProject)
        .because(
            "every package depends on the vocabulary, so a vocabulary type that depends on another package closes"
                + " a cycle through it")
        .allowEmptyShould(true);
  }

  private static boolean isUnder(JavaClass c, String root) {
    String p = element(c).getPackageName();
    return p.equals(root) || p.startsWith(root + ".");
  }

  private static boolean isVocabulary(JavaClass c, Set<String> vocabulary) {
    String name = element(c).getName();
    int nested = name.indexOf('$');
    return vocabulary.contains(nested < 0 ? name : name.substring(0, nested));
  }

  /** An array type stands for its element type (an enum's {@code values()} returns its own array). */
  private static JavaClass element(JavaClass c) {
    return c.isArray() ? c.getBaseComponentType() : c;
  }
}
