package dev.heddle.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.heddle.contract.Semantics;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Each rule, run on classes that break it on purpose, reports exactly what it should. The
 * planted package has no default contract; its {@code defaulted} subpackage states one in
 * {@code package-info.java}; its {@code baddefault} subpackage states an inconsistent one.
 */
class PlantedViolationsTest {

  private static final String PLANTED = "dev.heddle.architecture.planted";

  private static final JavaClasses CLASSES = new ClassFileImporter().importPackages(PLANTED);

  /** The packages whose public types the contract rules treat as API (the cycle package is the package rules'). */
  private static final Set<String> CONTRACT_PACKAGES =
      Set.of(PLANTED, PLANTED + ".defaulted", PLANTED + ".baddefault");

  private static final Predicate<JavaClass> API =
      c -> CONTRACT_PACKAGES.contains(c.getPackageName()) && PublishedModules.isVisibleType(c);

  private static List<String> violations(ArchRule rule) {
    return rule.evaluate(CLASSES).getFailureReport().getDetails();
  }

  private static String only(List<String> violations, String containing) {
    List<String> matching = violations.stream().filter(v -> v.contains(containing)).toList();
    assertEquals(
        1,
        matching.size(),
        "expected one violation containing '" + containing + "' in " + violations);
    return matching.get(0);
  }

  @Test
  void missingContract_inAPackageWithNoDefault_isReportedWithTheTypeItsMembersAndHowToDeclare() {
    List<String> v = violations(ContractRules.everyApiMemberDeclaresAContract(API));
    String m = only(v, "Undeclared");
    assertTrue(
        m.contains("type dev.heddle.architecture.planted.Undeclared has no @Concurrency contract"),
        m);
    assertTrue(m.contains("Undeclared.anything()"), m);
    assertTrue(
        m.contains(
            "its package dev.heddle.architecture.planted declares no default in package-info.java"),
        m);
    assertTrue(m.contains("annotate it with @dev.heddle.contract.Concurrency("), m);
    assertTrue(m.contains("give its package a default by annotating package-info.java"), m);
  }

  @Test
  void contractRule_reportsExactlyTheFivePlantedProblems() {
    List<String> v = violations(ContractRules.everyApiMemberDeclaresAContract(API));
    only(v, "Undeclared");
    only(v, "Mismatched.inconsistent()");
    only(v, "Mismatched.blocksWithoutCancellation()");
    only(v, "Mismatched.blocksWithoutPinning()");
    only(v, "package dev.heddle.architecture.planted.baddefault (package-info.java)");
    assertEquals(5, v.size(), v.toString());
  }

  @Test
  void inconsistentContract_isReportedWithWhatIsWrong() {
    List<String> v = violations(ContractRules.everyApiMemberDeclaresAContract(API));
    String m = only(v, "Mismatched.inconsistent()");
    assertTrue(m.contains("blocking = NEVER needs cancellation = RETURNS_PROMPTLY"), m);
  }

  @Test
  void blockingContract_leavingOutWhatOnlyNeverImplies_isReported() {
    List<String> v = violations(ContractRules.everyApiMemberDeclaresAContract(API));
    assertTrue(
        only(v, "Mismatched.blocksWithoutCancellation()")
            .contains(
                "blocking = MAY needs an explicit cancellation = INTERRUPTIBLE or NOT_INTERRUPTIBLE"),
        v.toString());
    assertTrue(
        only(v, "Mismatched.blocksWithoutPinning()")
            .contains("blocking = MAY needs an explicit pinning = NEVER or MAY"),
        v.toString());
  }

  @Test
  void inconsistentPackageDefault_isReportedOnce_notOncePerType() {
    List<String> v = violations(ContractRules.everyApiMemberDeclaresAContract(API));
    String m = only(v, "planted.baddefault");
    assertTrue(
        m.contains(
            "package dev.heddle.architecture.planted.baddefault (package-info.java) declares an"
                + " inconsistent contract"),
        m);
    assertTrue(m.contains("blocking = MAY needs an explicit cancellation"), m);
  }

  @Test
  void impliedElements_areFilledIn_fromBlockingNever() {
    JavaClass mismatched = CLASSES.get(PLANTED + ".Mismatched");
    Contracts.Contract implied =
        Contracts.own(mismatched.getMethod("impliesTheRest")).orElseThrow();
    assertEquals(Semantics.Cancellation.RETURNS_PROMPTLY, implied.cancellation());
    assertEquals(Semantics.Pinning.NEVER, implied.pinning());
    assertEquals(Semantics.Callers.OWNER_ONLY, implied.callers());
    assertFalse(implied.cancellationWritten() || implied.pinningWritten());
  }

  @Test
  void packageDefault_coversItsPublicTypesAndTheirMembers_butNotItsPackagePrivateTypes() {
    JavaClass point = CLASSES.get(PLANTED + ".defaulted.Point");
    Contracts.Found found = Contracts.declared(point.getMethod("x")).orElseThrow();
    assertEquals("package " + PLANTED + ".defaulted", found.source());
    assertEquals(Semantics.Blocking.NEVER, found.contract().blocking());
    assertTrue(
        Contracts.declared(CLASSES.get(PLANTED + ".defaulted.Refused").getConstructor(String.class))
            .isPresent());
    JavaClass waits = CLASSES.get(PLANTED + ".defaulted.Waits");
    assertEquals(
        Semantics.Blocking.MAY,
        Contracts.declared(waits.getMethod("waitForIt")).orElseThrow().contract().blocking());
    assertEquals("own", Contracts.declared(waits.getMethod("waitForIt")).orElseThrow().source());
    assertTrue(
        Contracts.declared(CLASSES.get(PLANTED + ".defaulted.Hidden").getMethod("sleeps"))
            .isEmpty());
  }

  @Test
  void semanticsPage_showsThePackageDefaultOnAnUnannotatedType_andAMembersOverride() {
    StringBuilder b = new StringBuilder();
    SemanticsPage.type(b, CLASSES.get(PLANTED + ".defaulted.Waits"));
    assertTrue(
        b.toString()
            .contains("| *(the type)* | NEVER | RETURNS_PROMPTLY | ANY_THREAD | NEVER | TRIVIAL |"),
        b.toString());
    assertTrue(
        b.toString()
            .contains(
                "| `quick()` *(type)* | NEVER | RETURNS_PROMPTLY | ANY_THREAD | NEVER | TRIVIAL |"),
        b.toString());
    assertTrue(
        b.toString().contains("| `waitForIt()` | MAY | INTERRUPTIBLE | ANY_THREAD | NEVER | IO |"),
        b.toString());
  }

  @Test
  void nonBlockingMember_reachingThreadSleepThroughAHelper_isReportedWithThePath() {
    List<String> v =
        violations(ContractRules.nonBlockingMembersReachNoBlockingCall(plantedAllowList()));
    String m = only(v, "Sleeper.napsThroughAHelper() is declared blocking = NEVER (type)");
    assertTrue(m.contains("Sleeper.nap()"), m);
    assertTrue(m.contains("java.lang.Thread.sleep(long)"), m);
    assertTrue(m.contains("[sleeps or waits for a thread to end]"), m);
  }

  @Test
  void nonBlockingMember_callingADeclaredBlockingMember_isReported() {
    List<String> v =
        violations(ContractRules.nonBlockingMembersReachNoBlockingCall(plantedAllowList()));
    String m = only(v, "Sleeper.callsADeclaredBlockingMember()");
    assertTrue(m.contains("Slow.waitsAWhile() is declared blocking = MAY (type)"), m);
  }

  @Test
  void memberNonBlockingByItsPackageDefault_callingAMemberThatOverridesIt_isReported() {
    List<String> v =
        violations(ContractRules.nonBlockingMembersReachNoBlockingCall(plantedAllowList()));
    String m = only(v, "Waits.quick()");
    assertTrue(m.contains("is declared blocking = NEVER (package " + PLANTED + ".defaulted)"), m);
    assertTrue(m.contains("Waits.waitForIt() is declared blocking = MAY (own)"), m);
  }

  @Test
  void nonBlockingMember_waitingThroughAnInternalInterface_isReported() {
    List<String> v =
        violations(ContractRules.nonBlockingMembersReachNoBlockingCall(plantedAllowList()));
    String m = only(v, "Sleeper.waitsThroughAnInterface()");
    assertTrue(m.contains("LatchWaiter.await()"), m);
    assertTrue(m.contains("java.util.concurrent.CountDownLatch.await()"), m);
  }

  @Test
  void nonBlockingMember_sleepingInALambda_isReported() {
    List<String> v =
        violations(ContractRules.nonBlockingMembersReachNoBlockingCall(plantedAllowList()));
    only(v, "Sleeper.sleepsInALambda()");
  }

  @Test
  void allowedCallsAndNonBlockingCode_areNotReported_andAnUnusedEntryIsFound() {
    AllowList allowList = plantedAllowList();
    List<String> v = violations(ContractRules.nonBlockingMembersReachNoBlockingCall(allowList));
    assertTrue(
        v.stream()
            .noneMatch(
                s ->
                    s.contains("staysNonBlocking")
                        || s.contains("allowedToWait")
                        || s.contains("Slow.waitsAWhile() is declared blocking = NEVER")
                        || s.contains("Hidden.sleeps()")),
        v.toString());
    assertEquals(5, v.size(), v.toString());
    assertEquals(
        List.of("dev.heddle.architecture.planted.Nowhere.never"),
        allowList.unused().stream().map(AllowList.Entry::from).toList());
  }

  private static final String CYCLE = PLANTED + ".cycle";

  @Test
  void packageCycle_isReportedWithTheDependenciesThatCloseIt_andOneWayDependenciesAreNot() {
    List<String> v = violations(PackageRules.noPackageCycles(CYCLE));
    assertEquals(2, v.size(), v.toString());
    String m = only(v, "package " + CYCLE + ".a");
    assertTrue(m.contains("package " + CYCLE + ".b"), m);
    assertTrue(m.contains("Ping.answer()") && m.contains("Pong.reply()"), m);
    assertTrue(
        v.stream().noneMatch(s -> s.contains(".lower") || s.contains(".words")), v.toString());
  }

  @Test
  void packageCycle_throughALeafTypeOfTheUpperPackage_isReported() {
    List<String> v = violations(PackageRules.noPackageCycles(CYCLE));
    String m = only(v, "package " + CYCLE + ".below");
    assertTrue(m.contains("Below.loud()") && m.contains("Top.shout()"), m);
  }

  private static AllowList plantedAllowList() {
    return new AllowList(
        List.of(
            new AllowList.Entry(
                PLANTED + ".Sleeper.allowedToWait",
                "java.util.concurrent.CountDownLatch.await",
                "a latch of count 0 never waits"),
            new AllowList.Entry(
                PLANTED + ".Nowhere.never", "java.lang.Thread.sleep", "matches no call")));
  }
}
