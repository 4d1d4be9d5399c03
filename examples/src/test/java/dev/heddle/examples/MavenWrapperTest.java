package dev.heddle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.examples.Shell.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine with a JDK and no Maven: ./build runs Maven through ./mvnw. The real wrapper
 * fetches the real Maven from Maven Central once per machine (kept in ~/.m2/wrapper, so later
 * runs are quick); the fetch, check and unpack steps are also tried here on a small stand-in
 * distribution served from a file: URL, so that their failures are seen without a network.
 */
@Timeout(300)
class MavenWrapperTest {

  @TempDir
  @SuppressWarnings("NullAway.Init")
  Path temp;

  @Test
  void build_withNoMavenOnPath_runsTheWrappersMaven() throws IOException, InterruptedException {
    String path = Shell.pathWithoutMaven(temp);
    assertFalse(
        Shell.run(temp, Shell.env("PATH", path), 30, "sh", "-c", "command -v mvn").exit() == 0,
        "mvn is still on " + path);
    Result version =
        Shell.run(temp, Shell.env("PATH", path), 240, Shell.ROOT.resolve("build").toString(), "-v");
    assertEquals(0, version.exit(), version.all());
    assertTrue(version.out().contains("Apache Maven 3.9.16"), version.all());
    assertTrue(version.out().contains("/wrapper/dists/apache-maven-3.9.16/"), version.all());
    // And a real build step of this project, offline (everything it needs is already here).
    Result validate =
        Shell.run(
            temp,
            Shell.env("PATH", path),
            240,
            Shell.ROOT.resolve("build").toString(),
            "-q",
            "-o",
            "-N",
            "validate");
    assertEquals(0, validate.exit(), validate.all());
  }

  /** A copy of the wrapper whose properties name {@code distribution} with the given checksum. */
  private Path wrapperCopy(Path distribution, String sha256) throws IOException {
    Path project = Files.createDirectories(temp.resolve("project"));
    Files.createDirectories(project.resolve(".mvn/wrapper"));
    Files.copy(Shell.ROOT.resolve("mvnw"), project.resolve("mvnw"));
    Files.copy(
        Shell.ROOT.resolve(".mvn/wrapper/Fetch.java"), project.resolve(".mvn/wrapper/Fetch.java"));
    Files.writeString(
        project.resolve(".mvn/wrapper/maven-wrapper.properties"),
        "distributionUrl=" + distribution.toUri() + "\ndistributionSha256Sum=" + sha256 + "\n");
    return project;
  }

  /** A tar.gz laid out as Maven's is, whose bin/mvn prints its arguments. */
  private Path standInDistribution() throws IOException, InterruptedException {
    Path tree = Files.createDirectories(temp.resolve("tree/apache-maven-3.9.99/bin"));
    Path mvn = tree.resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\necho \"stand-in maven ran with: $*\"\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path served = Files.createDirectories(temp.resolve("served"));
    Path archive = served.resolve("apache-maven-3.9.99-bin.tar.gz");
    Result tar =
        Shell.run(
            temp,
            Shell.env(),
            60,
            "tar",
            "-czf",
            archive.toString(),
            "-C",
            temp.resolve("tree").toString(),
            "apache-maven-3.9.99");
    assertEquals(0, tar.exit(), tar.all());
    return archive;
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void mvnw_onFirstUse_fetchesChecksAndUnpacksTheDistribution_thenReusesIt()
      throws IOException, InterruptedException {
    Path archive = standInDistribution();
    Path project = wrapperCopy(archive, sha256(archive));
    Path userHome = temp.resolve("m2");
    Result first =
        Shell.run(project, Shell.env("MAVEN_USER_HOME", userHome.toString()), 120, "./mvnw", "-v");
    assertEquals(0, first.exit(), first.all());
    assertTrue(first.out().contains("stand-in maven ran with: -v"), first.all());
    assertTrue(first.err().contains("mvnw: fetching apache-maven-3.9.99"), first.all());
    Files.delete(archive); // the second run must not need it
    Result second =
        Shell.run(
            project, Shell.env("MAVEN_USER_HOME", userHome.toString()), 120, "./mvnw", "validate");
    assertEquals(0, second.exit(), second.all());
    assertEquals("stand-in maven ran with: validate\n", second.out());
    assertEquals("", second.err());
    try (var left = Files.list(userHome.resolve("wrapper/dists/apache-maven-3.9.99"))) {
      assertEquals(1, left.count(), "a fetch directory was left behind");
    }
  }

  @Test
  void mvnw_withADistributionWhoseChecksumDiffers_refusesToRunIt()
      throws IOException, InterruptedException {
    Path archive = standInDistribution();
    String wrong = "0".repeat(64);
    Path project = wrapperCopy(archive, wrong);
    Path userHome = temp.resolve("m2");
    Result r =
        Shell.run(project, Shell.env("MAVEN_USER_HOME", userHome.toString()), 120, "./mvnw", "-v");
    assertEquals(1, r.exit(), r.all());
    assertTrue(
        r.err()
            .contains(
                "has SHA-256 "
                    + sha256(archive)
                    + ", but .mvn/wrapper/maven-wrapper.properties expects "
                    + wrong),
        r.all());
    assertFalse(r.out().contains("stand-in maven ran"), r.all());
    try (var left = Files.walk(userHome)) {
      assertTrue(
          left.noneMatch(p -> p.getFileName().toString().equals("mvn")),
          "an unchecked Maven was kept");
    }
  }
}
