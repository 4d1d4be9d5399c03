package dev.heddle.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaConstructor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Writes {@code docs/semantics.md}: every public type, method and constructor of every
 * published module with its effective concurrency contract, as read from the {@code
 * @Concurrency} annotations on members, types and packages (the implied elements filled
 * in). The page is a pure function of the compiled classes, so a test can compare
 * it with the committed one.
 */
final class SemanticsPage {

  /** The command that regenerates the page, for the stale-page message and the page itself. */
  static final String COMMAND = "./build semantics";

  private SemanticsPage() {}

  static String render(PublishedModules modules) {
    StringBuilder b = new StringBuilder();
    b.append("# Concurrency semantics of Heddle's public API\n\n")
        .append("Generated from the `@Concurrency` annotations by `")
        .append(COMMAND)
        .append("`; do not edit by hand.\n")
        .append("A test fails when this page and the code disagree.\n\n")
        .append(
            "Each operation says whether it **blocks** (`NEVER`: never waits; short internal locks only; `MAY`: may\n")
        .append(
            "wait for IO, timers, locks or other tasks), what an **interrupt** does (`INTERRUPTIBLE`: ends the wait;\n")
        .append(
            "`NOT_INTERRUPTIBLE`: the wait goes on and the interrupt status is kept; `RETURNS_PROMPTLY`: nothing to\n")
        .append(
            "cancel), which **callers** may call it (`ANY_THREAD`; `OWNER_ONLY`: the scope's owner, checked;\n")
        .append(
            "`ONE_THREAD_AT_A_TIME`: not thread-safe, not checked), whether it may **pin** a virtual thread's\n")
        .append(
            "carrier while it blocks, and its **workload** (`TRIVIAL`, `CPU`, `IO`, `MIXED`). The exact meaning of\n")
        .append(
            "every value is in the Javadoc of `dev.heddle.contract.Semantics`. A member marked *(type)* has no annotation of\n")
        .append("its own: its type's contract covers it.\n");
    for (PublishedModules.Module module : modules.modules()) {
      b.append("\n## Module `").append(module.name()).append("`\n");
      List<JavaClass> types = new ArrayList<>();
      for (JavaClass c : modules.classes()) {
        if (modules.isApi(c)
            && modules.moduleOf(c).map(m -> m.name().equals(module.name())).orElse(false)) {
          types.add(c);
        }
      }
      types.sort(Comparator.comparing(JavaClass::getName));
      for (JavaClass type : types) {
        type(b, type);
      }
    }
    return b.toString();
  }

  /** One type's table: the type's effective contract, then each member's (its own, else the type's). */
  static void type(StringBuilder b, JavaClass type) {
    b.append("\n### `").append(type.getName().replace('$', '.')).append("`\n\n");
    b.append("| operation | blocks | interrupt | callers | pinning | workload |\n");
    b.append("|---|---|---|---|---|---|\n");
    Optional<Contracts.Contract> typeContract =
        Contracts.ofType(type).map(Contracts.Found::contract);
    row(b, "*(the type)*", typeContract);
    List<JavaCodeUnit> members = new ArrayList<>();
    for (JavaCodeUnit u : type.getCodeUnits()) {
      if (PublishedModules.isVisibleMember(u)) {
        members.add(u);
      }
    }
    members.sort(Comparator.comparing(SemanticsPage::signature));
    for (JavaCodeUnit u : members) {
      Optional<Contracts.Contract> own = Contracts.own(u);
      row(
          b,
          "`" + signature(u) + "`" + (own.isEmpty() ? " *(type)*" : ""),
          own.isPresent() ? own : typeContract);
    }
  }

  private static void row(StringBuilder b, String what, Optional<Contracts.Contract> contract) {
    b.append("| ").append(what);
    if (contract.isEmpty()) {
      b.append(" | **undeclared** | | | | |\n");
      return;
    }
    Contracts.Contract c = contract.get();
    b.append(" | ")
        .append(c.blocking())
        .append(" | ")
        .append(c.cancellation())
        .append(" | ")
        .append(c.callers())
        .append(" | ")
        .append(c.pinning())
        .append(" | ")
        .append(c.workload())
        .append(" |\n");
  }

  /** A member as a reader would look it up: its simple name and parameter types. */
  static String signature(JavaCodeUnit u) {
    String name = u instanceof JavaConstructor ? u.getOwner().getSimpleName() : u.getName();
    List<String> params = new ArrayList<>();
    for (JavaClass p : u.getRawParameterTypes()) {
      params.add(p.getSimpleName());
    }
    return name + "(" + String.join(", ", params) + ")";
  }
}
