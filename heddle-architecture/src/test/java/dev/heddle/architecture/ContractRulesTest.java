package dev.heddle.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The concurrency-contract rules on Heddle's published modules: every public type, method
 * and constructor has a contract (its own, its type's or its package's), and nothing
 * declared non-blocking reaches a blocking call. A failure names each member and what to do.
 */
class ContractRulesTest {

  private static final PublishedModules MODULES = PublishedModules.onClassPath();

  @Test
  void publishedModules_areFound() {
    List<String> names = MODULES.modules().stream().map(PublishedModules.Module::name).toList();
    assertTrue(
        names.containsAll(List.of("dev.heddle.core", "dev.heddle.testing")), names.toString());
  }

  @Test
  void classpathEntry_ofAHeddleModuleOrJar_isRecognised_soOneWithoutModuleInfoIsReported() {
    assertTrue(PublishedModules.looksLikeHeddle(Path.of("/repo/heddle-process/target/classes")));
    assertTrue(
        PublishedModules.looksLikeHeddle(
            Path.of("/m2/dev/heddle/heddle-process-0.1.0-SNAPSHOT.jar")));
    assertFalse(
        PublishedModules.looksLikeHeddle(Path.of("/repo/heddle-architecture/target/classes")));
    assertFalse(PublishedModules.looksLikeHeddle(Path.of("/repo/heddle-core/target/test-classes")));
    assertFalse(PublishedModules.looksLikeHeddle(Path.of("/m2/com/tngtech/archunit-1.4.1.jar")));
  }

  @Test
  void everyPublicMember_declaresAConsistentContract() {
    ContractRules.everyApiMemberDeclaresAContract(MODULES::isApi).check(MODULES.classes());
  }

  @Test
  void nonBlockingMembers_reachNoBlockingCall_andEveryAllowListEntryIsUsed() {
    AllowList allowList = AllowList.heddle();
    ContractRules.nonBlockingMembersReachNoBlockingCall(allowList).check(MODULES.classes());
    assertEquals(
        List.of(),
        allowList.unused(),
        "these allow-list entries match no call any more; remove them from AllowList.heddle()");
  }
}
