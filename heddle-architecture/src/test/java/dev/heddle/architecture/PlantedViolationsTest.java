package dev.heddle.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Each rule, run on classes that break it on purpose, reports exactly what it should. */
class PlantedViolationsTest {

  private static final String PLANTED = "dev.heddle.architecture.planted";

  private static final JavaClasses CLASSES = new ClassFileImporter().importPackages(PLANTED);

  private static final Predicate<JavaClass> API =
      c -> c.getPackageName().equals(PLANTED) && PublishedModules.isVisibleType(c);

  private static List<String> violations(ArchRule rule) {
    return rule.evaluate(CLASSES).getFailureReport().getDetails();
  }

  private static String only(List<String> violations, String containing) {
    List<String> matching = violations.stream().filter(v -> v.contains(containing)).toList();
    assertEquals(1, matching.size(), "expected one violation containing '" + containing + "' in " + violations);
    return matching.get(0);
  }

  @Test
  void missingContract_isReportedWithTheTypeItsMembersAndHowToDeclare() {
    List<String> v = violations(ContractRules.everyApiMemberDeclaresAContract(API));
    String m = only(v, "Undeclared");
    assertTrue(m.contains("type dev.heddle.architecture.planted.Undeclared has no @Concurrency contract"), m);
    assertTrue(m.contains("Undeclared.anything()"), m);
    assertTrue(m.contains("annotate it with @dev.heddle.Concurrency("), m);
  }

  @Test
  void inconsistentContract_isReportedWithWhatIsWrong() {
    List<String> v = violations(ContractRules.everyApiMemberDeclaresAContract(API));
    String m = only(v, "Mismatched.inconsistent()");
    assertTrue(m.contains("blocking = NEVER needs cancellation = RETURNS_PROMPTLY"), m);
    assertEquals(2, v.size(), v.toString());
  }

  @Test
  void jetBrainsMarkers_missingOrContradictingTheContract_areReported() {
    List<String> v = violations(ContractRules.jetBrainsMarkersMirrorContracts(API));
    assertTrue(only(v, "type dev.heddle.architecture.planted.Mismatched declares")
        .contains("but carries @Blocking: replace it with org.jetbrains.annotations.NonBlocking"), v.toString());
    assertTrue(only(v, "Mismatched.blocksUnmarked()")
        .contains("but no JetBrains marker: add org.jetbrains.annotations.Blocking"), v.toString());
    assertTrue(only(v, "Mismatched.markedAgainstItsType()")
        .contains("carries @Blocking but its type's contract"), v.toString());
    assertEquals(3, v.size(), v.toString());
  }

  @Test
  void nonBlockingMember_reachingThreadSleepThroughAHelper_isReportedWithThePath() {
    List<String> v = violations(ContractRules.nonBlockingMembersReachNoBlockingCall(plantedAllowList()));
    String m = only(v, "Sleeper.napsThroughAHelper() is declared blocking = NEVER (type)");
    assertTrue(m.contains("Sleeper.nap()"), m);
    assertTrue(m.contains("java.lang.Thread.sleep(long)"), m);
    assertTrue(m.contains("[sleeps or waits for a thread to end]"), m);
  }

  @Test
  void nonBlockingMember_callingADeclaredBlockingMember_isReported() {
    List<String> v = violations(ContractRules.nonBlockingMembersReachNoBlockingCall(plantedAllowList()));
    String m = only(v, "Sleeper.callsADeclaredBlockingMember()");
    assertTrue(m.contains("Slow.waitsAWhile() is declared blocking = MAY (type)"), m);
  }

  @Test
  void nonBlockingMember_waitingThroughAnInternalInterface_isReported() {
    List<String> v = violations(ContractRules.nonBlockingMembersReachNoBlockingCall(plantedAllowList()));
    String m = only(v, "Sleeper.waitsThroughAnInterface()");
    assertTrue(m.contains("LatchWaiter.await()"), m);
    assertTrue(m.contains("java.util.concurrent.CountDownLatch.await()"), m);
  }

  @Test
  void nonBlockingMember_sleepingInALambda_isReported() {
    List<String> v = violations(ContractRules.nonBlockingMembersReachNoBlockingCall(plantedAllowList()));
    only(v, "Sleeper.sleepsInALambda()");
  }

  @Test
  void allowedCallsAndNonBlockingCode_areNotReported_andAnUnusedEntryIsFound() {
    AllowList allowList = plantedAllowList();
    List<String> v = violations(ContractRules.nonBlockingMembersReachNoBlockingCall(allowList));
    assertTrue(v.stream().noneMatch(s -> s.contains("staysNonBlocking") || s.contains("allowedToWait")
        || s.contains("Slow.waitsAWhile() is declared blocking = NEVER")), v.toString());
    assertEquals(4, v.size(), v.toString());
    assertEquals(List.of("dev.heddle.architecture.planted.Nowhere.never"),
        allowList.unused().stream().map(AllowList.Entry::from).toList());
  }

  private static final String CYCLE = PLANTED + ".cycle";

  private static final Set<String> CYCLE_VOCABULARY = Set.of(CYCLE + ".Word", CYCLE + ".Muddled");

  @Test
  void packageCycle_isReportedWithTheDependenciesThatCloseIt_butOneThroughTheVocabularyIsNot() {
    List<String> v = violations(PackageRules.noPackageCycles(CYCLE, CYCLE_VOCABULARY));
    assertEquals(1, v.size(), v.toString());
    String m = v.get(0);
    assertTrue(m.contains("package " + CYCLE + ".a") && m.contains("package " + CYCLE + ".b"), m);
    assertTrue(m.contains("Ping.answer()") && m.contains("Pong.reply()"), m);
    assertFalse(m.contains(".lower"), m);
  }

  @Test
  void packageCycle_throughATypeNotDeclaredVocabulary_isReported() {
    List<String> v = violations(PackageRules.noPackageCycles(CYCLE, Set.of()));
    assertEquals(2, v.size(), v.toString());
    only(v, "package " + CYCLE + ".lower");
  }

  @Test
  void vocabularyTypeDependingOnAnotherPackage_isReported() {
    List<String> v = violations(PackageRules.vocabularyIsALeaf(CYCLE, CYCLE_VOCABULARY));
    String m = only(v, "Muddled.ping()");
    assertTrue(m.contains("Ping.name()"), m);
    assertEquals(1, v.size(), v.toString());
  }

  private static AllowList plantedAllowList() {
    return new AllowList(List.of(
        new AllowList.Entry(PLANTED + ".Sleeper.allowedToWait", "java.util.concurrent.CountDownLatch.await",
            "a latch of count 0 never waits"),
        new AllowList.Entry(PLANTED + ".Nowhere.never", "java.lang.Thread.sleep", "matches no call")));
  }
}
