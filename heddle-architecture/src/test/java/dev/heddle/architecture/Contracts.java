package dev.heddle.architecture;

import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaEnumConstant;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.properties.HasAnnotations;
import dev.heddle.contract.Concurrency;
import dev.heddle.contract.Semantics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@link Concurrency} contracts from imported classes, and resolves the one contract
 * in effect for a member: its own, its type's, or its type's package's default.
 */
final class Contracts {

  private Contracts() {}

  /**
   * One {@code @Concurrency} annotation with its implied elements filled in (see the table in
   * {@link Concurrency}), and whether {@code cancellation} and {@code pinning} were written.
   */
  record Contract(
      Semantics.Blocking blocking,
      Semantics.Cancellation cancellation,
      Semantics.Callers callers,
      Semantics.Pinning pinning,
      Semantics.Workload workload,
      boolean cancellationWritten,
      boolean pinningWritten) {

    /** Whether two contracts say the same, however they are written. */
    boolean sameAs(Contract other) {
      return blocking == other.blocking
          && cancellation == other.cancellation
          && callers == other.callers
          && pinning == other.pinning
          && workload == other.workload;
    }
  }

  /** A contract and where it was declared: on the member itself, its type, its package, or a member it overrides. */
  record Found(Contract contract, String source) {}

  /** The contract an element (a type, member or package) declares itself. */
  static Optional<Contract> own(HasAnnotations<?> element) {
    return element.tryGetAnnotationOfType(Concurrency.class.getName()).map(Contracts::read);
  }

  private static Contract read(JavaAnnotation<?> a) {
    Optional<Object> cancellation = a.tryGetExplicitlyDeclaredProperty("cancellation");
    Optional<Object> pinning = a.tryGetExplicitlyDeclaredProperty("pinning");
    return new Contract(
        value(Semantics.Blocking.class, a.getExplicitlyDeclaredProperty("blocking")),
        cancellation
            .map(v -> value(Semantics.Cancellation.class, v))
            .orElse(Semantics.Cancellation.RETURNS_PROMPTLY),
        value(Semantics.Callers.class, a.getExplicitlyDeclaredProperty("callers")),
        pinning.map(v -> value(Semantics.Pinning.class, v)).orElse(Semantics.Pinning.NEVER),
        value(Semantics.Workload.class, a.getExplicitlyDeclaredProperty("workload")),
        cancellation.isPresent(),
        pinning.isPresent());
  }

  private static <E extends Enum<E>> E value(Class<E> type, Object property) {
    return Enum.valueOf(type, ((JavaEnumConstant) property).name());
  }

  /** The default contract of a type's package, declared in its {@code package-info.java}. */
  static Optional<Contract> packageDefault(JavaClass type) {
    return own(type.getPackage());
  }

  /**
   * A type's contract and where it comes from: its own, else, for a type visible outside its
   * package, its package's default. A package's default does not cover its package-private
   * types, which are its implementation.
   */
  static Optional<Found> ofType(JavaClass type) {
    Optional<Contract> own = own(type);
    if (own.isPresent()) {
      return Optional.of(new Found(own.get(), "type"));
    }
    if (!PublishedModules.isVisibleType(type)) {
      return Optional.empty();
    }
    return packageDefault(type).map(c -> new Found(c, "package " + type.getPackageName()));
  }

  /**
   * The member's own contract, else, for a public or protected member, its declaring type's
   * (own or from its package): what the member declares. A type's contract does not cover its
   * private and package-private members, which are its implementation.
   */
  static Optional<Found> declared(JavaCodeUnit u) {
    Optional<Contract> own = own(u);
    if (own.isPresent()) {
      return Optional.of(new Found(own.get(), "own"));
    }
    if (!PublishedModules.isVisibleMember(u)) {
      return Optional.empty();
    }
    return ofType(u.getOwner());
  }

  /**
   * The contract a member must honour: its declared one, else that of a method it overrides
   * or implements (so that an internal implementation of a public interface is held to the
   * interface's contract).
   */
  static Optional<Found> effective(JavaCodeUnit u) {
    Optional<Found> declared = declared(u);
    if (declared.isPresent()
        || !(u instanceof JavaMethod m)
        || m.getModifiers().contains(JavaModifier.STATIC)) {
      return declared;
    }
    String[] params =
        m.getRawParameterTypes().stream().map(JavaClass::getName).toArray(String[]::new);
    List<JavaClass> supertypes = new ArrayList<>(m.getOwner().getAllRawSuperclasses());
    supertypes.addAll(m.getOwner().getAllRawInterfaces());
    for (JavaClass s : supertypes) {
      Optional<JavaMethod> overridden = s.tryGetMethod(m.getName(), params);
      if (overridden.isPresent()) {
        Optional<Found> found = declared(overridden.get());
        if (found.isPresent()) {
          return Optional.of(
              new Found(found.get().contract(), "overrides " + overridden.get().getFullName()));
        }
      }
    }
    return Optional.empty();
  }

  /** What is wrong with a combination of values, or empty if it is consistent. */
  static Optional<String> inconsistency(Contract c) {
    boolean never = c.blocking() == Semantics.Blocking.NEVER;
    if (!never && !c.cancellationWritten()) {
      return Optional.of(
          "blocking = MAY needs an explicit cancellation = INTERRUPTIBLE or NOT_INTERRUPTIBLE (say what an"
              + " interrupt does to its wait); only blocking = NEVER implies it");
    }
    if (!never && !c.pinningWritten()) {
      return Optional.of(
          "blocking = MAY needs an explicit pinning = NEVER or MAY (say whether its wait may pin a carrier);"
              + " only blocking = NEVER implies it");
    }
    if (never && c.cancellation() != Semantics.Cancellation.RETURNS_PROMPTLY) {
      return Optional.of(
          "blocking = NEVER needs cancellation = RETURNS_PROMPTLY (it never waits), not "
              + c.cancellation());
    }
    if (never && c.pinning() != Semantics.Pinning.NEVER) {
      return Optional.of(
          "blocking = NEVER needs pinning = NEVER (only a wait can pin), not " + c.pinning());
    }
    if (!never && c.cancellation() == Semantics.Cancellation.RETURNS_PROMPTLY) {
      return Optional.of(
          "blocking = MAY needs cancellation = INTERRUPTIBLE or NOT_INTERRUPTIBLE (say what an interrupt does to"
              + " its wait), not RETURNS_PROMPTLY");
    }
    return Optional.empty();
  }

  /** A contract with every element spelled out, for messages. */
  static String text(Contract c) {
    return "@Concurrency(blocking = "
        + c.blocking()
        + ", cancellation = "
        + c.cancellation()
        + ", callers = "
        + c.callers()
        + ", pinning = "
        + c.pinning()
        + ", workload = "
        + c.workload()
        + ")";
  }
}
