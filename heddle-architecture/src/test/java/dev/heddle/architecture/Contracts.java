package dev.heddle.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.properties.HasAnnotations;
import dev.heddle.Concurrency;
import dev.heddle.Semantics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads {@link Concurrency} contracts, and their JetBrains mirrors, from imported classes. */
final class Contracts {

  static final String JETBRAINS_BLOCKING = "org.jetbrains.annotations.Blocking";
  static final String JETBRAINS_NON_BLOCKING = "org.jetbrains.annotations.NonBlocking";

  private Contracts() {}

  /** A contract and where it was declared: on the member itself, its type, or a member it overrides. */
  record Found(Concurrency contract, String source) {}

  static Optional<Concurrency> own(HasAnnotations<?> element) {
    return element.tryGetAnnotationOfType(Concurrency.class);
  }

  /**
   * The member's own contract, else, for a public or protected member, its declaring type's:
   * what the member declares. A type's contract does not cover its private and
   * package-private members, which are its implementation.
   */
  static Optional<Found> declared(JavaCodeUnit u) {
    Optional<Concurrency> own = own(u);
    if (own.isPresent()) {
      return Optional.of(new Found(own.get(), "own"));
    }
    if (!PublishedModules.isVisibleMember(u)) {
      return Optional.empty();
    }
    return own(u.getOwner()).map(c -> new Found(c, "type"));
  }

  /**
   * The contract a member must honour: its declared one, else that of a method it overrides
   * or implements (so that an internal implementation of a public interface is held to the
   * interface's contract).
   */
  static Optional<Found> effective(JavaCodeUnit u) {
    Optional<Found> declared = declared(u);
    if (declared.isPresent() || !(u instanceof JavaMethod m) || m.getModifiers().contains(
        com.tngtech.archunit.core.domain.JavaModifier.STATIC)) {
      return declared;
    }
    String[] params = m.getRawParameterTypes().stream().map(JavaClass::getName).toArray(String[]::new);
    List<JavaClass> supertypes = new ArrayList<>(m.getOwner().getAllRawSuperclasses());
    supertypes.addAll(m.getOwner().getAllRawInterfaces());
    for (JavaClass s : supertypes) {
      Optional<JavaMethod> overridden = s.tryGetMethod(m.getName(), params);
      if (overridden.isPresent()) {
        Optional<Found> found = declared(overridden.get());
        if (found.isPresent()) {
          return Optional.of(new Found(found.get().contract(), "overrides " + overridden.get().getFullName()));
        }
      }
    }
    return Optional.empty();
  }

  /** The JetBrains marker on this element: {@code "Blocking"}, {@code "NonBlocking"}, both, or none. */
  static Optional<String> jetBrainsMarker(HasAnnotations<?> element) {
    boolean blocking = element.isAnnotatedWith(JETBRAINS_BLOCKING);
    boolean nonBlocking = element.isAnnotatedWith(JETBRAINS_NON_BLOCKING);
    if (blocking && nonBlocking) {
      return Optional.of("both @Blocking and @NonBlocking");
    }
    return blocking ? Optional.of("@Blocking") : nonBlocking ? Optional.of("@NonBlocking") : Optional.empty();
  }

  /** The JetBrains marker that mirrors a contract. */
  static String mirrorOf(Concurrency c) {
    return c.blocking() == Semantics.Blocking.MAY ? "@Blocking" : "@NonBlocking";
  }

  /** What is wrong with a combination of values, or empty if it is consistent. */
  static Optional<String> inconsistency(Concurrency c) {
    boolean never = c.blocking() == Semantics.Blocking.NEVER;
    if (never && c.cancellation() != Semantics.Cancellation.RETURNS_PROMPTLY) {
      return Optional.of("blocking = NEVER needs cancellation = RETURNS_PROMPTLY (it never waits), not " + c.cancellation());
    }
    if (never && c.pinning() != Semantics.Pinning.NEVER) {
      return Optional.of("blocking = NEVER needs pinning = NEVER (only a wait can pin), not " + c.pinning());
    }
    if (!never && c.cancellation() == Semantics.Cancellation.RETURNS_PROMPTLY) {
      return Optional.of("blocking = MAY needs cancellation = INTERRUPTIBLE or NOT_INTERRUPTIBLE (say what an interrupt does to"
          + " its wait), not RETURNS_PROMPTLY");
    }
    return Optional.empty();
  }

  /** A contract as it reads in source, for messages and the generated page. */
  static String text(Concurrency c) {
    return "@Concurrency(blocking = " + c.blocking() + ", cancellation = " + c.cancellation() + ", callers = "
        + c.callers() + ", pinning = " + c.pinning() + ", workload = " + c.workload() + ")";
  }
}
