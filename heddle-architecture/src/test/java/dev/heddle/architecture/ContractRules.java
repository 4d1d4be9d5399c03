package dev.heddle.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitCallTarget;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.heddle.contract.Semantics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The build's rules on concurrency contracts, as ArchUnit rules over imported classes.
 * Each takes the predicate that says which types are public API, so that the same rules run
 * on Heddle's published modules and on the planted violations that prove they fire.
 */
final class ContractRules {

  private static final String HOW_TO_DECLARE =
      "annotate it with @dev.heddle.contract.Concurrency(blocking = ..., callers = ..., workload = ...) (with cancellation = ..."
          + " and pinning = ... when blocking = MAY), or give its package a default by annotating package-info.java"
          + " (a package's default covers its public types, a type's covers its members; state a contract only where it"
          + " differs); see the values' meanings in dev.heddle.contract.Semantics";

  /** The code this rule follows calls into: Heddle's own. */
  private static final String HEDDLE = "dev.heddle.";

  /** How many blocking paths to report per member before moving on. */
  private static final int PATHS_PER_MEMBER = 3;

  private ContractRules() {}

  private static DescribedPredicate<JavaClass> api(Predicate<JavaClass> isApi) {
    return DescribedPredicate.describe("are public API", isApi::test);
  }

  /**
   * Every public API type has a contract (its own or its package's default), so every public
   * or protected method and constructor of it is covered (its own contract, else its
   * type's), and every contract written (on a package, type or member) is a consistent
   * combination.
   */
  static ArchRule everyApiMemberDeclaresAContract(Predicate<JavaClass> isApi) {
    return classes()
        .that(api(isApi))
        .should(
            new ArchCondition<JavaClass>("declare a consistent concurrency contract") {
              @Override
              public void check(JavaClass type, ConditionEvents events) {
                if (Contracts.ofType(type).isEmpty()) {
                  List<String> uncovered = new ArrayList<>();
                  for (JavaCodeUnit u : type.getCodeUnits()) {
                    if (PublishedModules.isVisibleMember(u) && Contracts.own(u).isEmpty()) {
                      uncovered.add(u.getFullName());
                    }
                  }
                  events.add(
                      SimpleConditionEvent.violated(
                          type,
                          "type "
                              + type.getName()
                              + " has no @Concurrency contract"
                              + (uncovered.isEmpty()
                                  ? ""
                                  : ", nor do its members " + String.join(", ", uncovered))
                              + ", and its package "
                              + type.getPackageName()
                              + " declares no default in package-info.java: "
                              + HOW_TO_DECLARE));
                }
                Contracts.own(type)
                    .ifPresent(c -> inconsistent(type, "type " + type.getName(), c, events));
                if (firstApiTypeOfItsPackage(type, isApi)) {
                  Contracts.packageDefault(type)
                      .ifPresent(
                          c ->
                              inconsistent(
                                  type,
                                  "package " + type.getPackageName() + " (package-info.java)",
                                  c,
                                  events));
                }
                for (JavaCodeUnit u : type.getCodeUnits()) {
                  if (PublishedModules.isVisibleMember(u)) {
                    Contracts.own(u).ifPresent(c -> inconsistent(u, u.getFullName(), c, events));
                  }
                }
              }
            });
  }

  /** Whether a type is the first API type of its package by name: the one a package's problem is reported on, once. */
  private static boolean firstApiTypeOfItsPackage(JavaClass type, Predicate<JavaClass> isApi) {
    return type.getPackage().getClasses().stream()
        .filter(isApi)
        .map(JavaClass::getName)
        .sorted()
        .findFirst()
        .map(type.getName()::equals)
        .orElse(false);
  }

  private static void inconsistent(
      Object where, String what, Contracts.Contract c, ConditionEvents events) {
    Contracts.inconsistency(c)
        .ifPresent(
            problem ->
                events.add(
                    SimpleConditionEvent.violated(
                        where,
                        what
                            + " declares an inconsistent contract "
                            + Contracts.text(c)
                            + ": "
                            + problem)));
  }

  /**
   * No member whose contract says it never blocks reaches, through Heddle's own code, a
   * member declared blocking or a known blocking JDK call ({@link BlockingCalls}), except by
   * a call the allow-list lets through with a reason.
   *
   * <p>How calls are followed: a call's target is resolved to the method the compiler chose
   * (ArchUnit's view of the bytecode). If that method carries a contract (its own, its
   * type's, its package's default, or one it inherits by overriding), the contract decides: blocking is a
   * violation, non-blocking ends the path there, since that member is checked on its own.
   * If it carries none (internal code), the rule follows it, and also every override of it
   * in Heddle's classes (so a call through an internal interface reaches its
   * implementations). Calls from a lambda count as calls of the method that declares it.
   */
  static ArchRule nonBlockingMembersReachNoBlockingCall(AllowList allowList) {
    DescribedPredicate<JavaCodeUnit> nonBlocking =
        DescribedPredicate.describe(
            "are declared never to block",
            u ->
                u.getOwner().getName().startsWith(HEDDLE)
                    && Contracts.effective(u)
                        .map(f -> f.contract().blocking() == Semantics.Blocking.NEVER)
                        .orElse(false));
    return codeUnits()
        .that(nonBlocking)
        .should(
            new ArchCondition<JavaCodeUnit>("reach no blocking call") {
              @Override
              public void check(JavaCodeUnit root, ConditionEvents events) {
                for (String path : blockingPaths(root, allowList)) {
                  Contracts.Found declared = Contracts.effective(root).orElseThrow();
                  events.add(
                      SimpleConditionEvent.violated(
                          root,
                          root.getFullName()
                              + " is declared blocking = NEVER ("
                              + declared.source()
                              + ") but reaches a blocking call: "
                              + path
                              + ". Remove the blocking call from that path, declare the member blocking = MAY (with its cancellation and pinning),"
                              + " or, if the call cannot block here, allow it with the reason in "
                              + "heddle-architecture/src/test/java/dev/heddle/architecture/AllowList.java"));
                }
              }
            })
        .allowEmptyShould(true);
  }

  /** One step of a search: a member, and the call that reached it from the step before. */
  private record Step(JavaCodeUnit unit, @Nullable Step parent, @Nullable JavaCall<?> via) {}

  private static List<String> blockingPaths(JavaCodeUnit root, AllowList allowList) {
    List<String> paths = new ArrayList<>();
    Set<JavaCodeUnit> visited = new HashSet<>();
    visited.add(root);
    ArrayDeque<Step> queue = new ArrayDeque<>();
    queue.add(new Step(root, null, null));
    while (!queue.isEmpty() && paths.size() < PATHS_PER_MEMBER) {
      Step step = queue.poll();
      for (JavaCall<?> call : sorted(step.unit().getCallsFromSelf())) {
        CodeUnitCallTarget target = call.getTarget();
        if (allowList.allows(step.unit(), target)) {
          continue;
        }
        Optional<String> why = BlockingCalls.why(target);
        if (why.isPresent()) {
          paths.add(describe(step, call) + " [" + why.get() + "]");
          continue;
        }
        for (JavaCodeUnit next : resolve(target)) {
          Optional<Contracts.Found> contract = Contracts.effective(next);
          if (contract.isPresent()) {
            if (contract.get().contract().blocking() == Semantics.Blocking.MAY) {
              paths.add(
                  describe(step, call)
                      + " ["
                      + next.getFullName()
                      + " is declared blocking = MAY ("
                      + contract.get().source()
                      + ")]");
            }
          } else if (visited.add(next)) {
            queue.add(new Step(next, step, call));
          }
        }
      }
    }
    return paths;
  }

  private static List<JavaCall<?>> sorted(Set<JavaCall<?>> calls) {
    List<JavaCall<?>> list = new ArrayList<>(calls);
    list.sort((a, b) -> Integer.compare(a.getLineNumber(), b.getLineNumber()));
    return list;
  }

  /** The Heddle members a call may run: the one the compiler chose, and its overrides if it has no contract. */
  private static Set<JavaCodeUnit> resolve(CodeUnitCallTarget target) {
    Set<JavaCodeUnit> units = new LinkedHashSet<>();
    if (!target.getOwner().getName().startsWith(HEDDLE)) {
      return units;
    }
    Optional<? extends JavaCodeUnit> chosen = target.resolveMember();
    if (chosen.isEmpty()) {
      return units;
    }
    units.add(chosen.get());
    if (chosen.get() instanceof JavaMethod m && Contracts.effective(m).isEmpty()) {
      String[] params =
          m.getRawParameterTypes().stream().map(JavaClass::getName).toArray(String[]::new);
      for (JavaClass sub : target.getOwner().getAllSubclasses()) {
        sub.tryGetMethod(m.getName(), params).ifPresent(units::add);
      }
    }
    return units;
  }

  private static String describe(Step last, JavaCall<?> call) {
    List<String> hops = new ArrayList<>();
    hops.add(call.getTarget().getFullName() + " " + call.getSourceCodeLocation());
    for (Step s = last; s.parent() != null; s = s.parent()) {
      hops.add(
          s.unit().getFullName()
              + " "
              + java.util.Objects.requireNonNull(s.via()).getSourceCodeLocation());
    }
    StringBuilder b = new StringBuilder();
    for (int i = hops.size() - 1; i >= 0; i--) {
      b.append(" -> ").append(hops.get(i));
    }
    return b.substring(4);
  }
}
