package dev.heddle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heddle.examples.Shell.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own Maven project, outside this build, following the README's "Add Heddle to your
 * build": the README's Maven snippet is pasted into its pom, its local repository starts
 * empty and receives what {@code ./build install} installs (the published modules' POMs,
 * jars, sources and Javadoc, copied from this build's output as install copies them), and
 * everything else (plugins, JUnit) comes from a file: repository that stands in for Maven
 * Central, this build's own local repository, so the test needs no network.
 */
@Timeout(600)
class UserProjectTest {

  private static final String VERSION = System.getProperty("heddle.version", "");
  private static final Path OUTER_REPOSITORY =
      Path.of(System.getProperty("heddle.localRepository", ""));

  // One local repository and project for both tests: the second reuses what the first fetched.
  @TempDir
  @SuppressWarnings("NullAway.Init")
  static Path temp;

  @SuppressWarnings("NullAway.Init")
  private static Path project;

  @SuppressWarnings("NullAway.Init")
  private static Path repository;

  @SuppressWarnings("NullAway.Init")
  private static Path settings;

  /** The first xml block of the README's section "Add Heddle to your build". */
  static String readmeSnippet() throws IOException {
    String readme = Files.readString(Shell.ROOT.resolve("README.md"));
    int section = readme.indexOf("## Add Heddle to your build");
    assertTrue(section >= 0, "README.md has no section 'Add Heddle to your build'");
    Matcher m = Pattern.compile("```xml\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(m.find(section), "no xml block in the README's 'Add Heddle to your build'");
    return m.group(1);
  }

  /** What install puts in a local repository for one module: its POM and its artifacts. */
  private static void install(String artifactId, Path pom, String... jars) throws IOException {
    Path dir =
        Files.createDirectories(repository.resolve("dev/heddle/" + artifactId + "/" + VERSION));
    Files.copy(pom, dir.resolve(artifactId + "-" + VERSION + ".pom"));
    for (String suffix : jars) {
      String name = artifactId + "-" + VERSION + suffix + ".jar";
      Path built = pom.resolveSibling("target/" + name);
      assertTrue(Files.isRegularFile(built), built + " was not built");
      Files.copy(built, dir.resolve(name));
    }
  }

  @BeforeAll
  static void setUp() throws IOException {
    repository = Files.createDirectories(temp.resolve("empty-local-repository"));
    install("heddle-parent", Shell.ROOT.resolve("pom.xml"));
    install("heddle-bom", Shell.ROOT.resolve("heddle-bom/pom.xml"));
    for (String module : List.of("heddle-core", "heddle-process", "heddle-testing")) {
      install(module, Shell.ROOT.resolve(module + "/pom.xml"), "", "-sources", "-javadoc");
    }

    project = Files.createDirectories(temp.resolve("user-app"));
    Path template = Path.of("src/test/resources/user-project").toAbsolutePath();
    Files.writeString(
        project.resolve("pom.xml"),
        Files.readString(template.resolve("pom-template.xml"))
            .replace("<!-- README -->", readmeSnippet()));
    Path app =
        Files.createDirectories(project.resolve("src/main/java/com/example")).resolve("App.java");
    Files.copy(template.resolve("src/main/java/com/example/App.java"), app);

    settings = temp.resolve("settings.xml");
    Files.writeString(
        settings,
        """
        <settings>
          <profiles>
            <profile>
              <id>stand-in-for-central</id>
              <repositories>
                <repository><id>stand-in</id><url>%1$s</url></repository>
              </repositories>
              <pluginRepositories>
                <pluginRepository><id>stand-in</id><url>%1$s</url></pluginRepository>
              </pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>stand-in-for-central</activeProfile></activeProfiles>
        </settings>
        """
            .formatted(OUTER_REPOSITORY.toUri()));
  }

  private static Result mvn(String... goals) throws IOException, InterruptedException {
    String[] command =
        Stream.concat(
                Stream.of(
                    Shell.ROOT.resolve("mvnw").toString(),
                    "-B",
                    "-ntp",
                    "-s",
                    settings.toString(),
                    "-Dmaven.repo.local=" + repository),
                Stream.of(goals))
            .toArray(String[]::new);
    return Shell.run(
        project,
        Map.of(
            "JAVA_HOME",
            System.getProperty("java.home"),
            "MAVEN_OPTS",
            "--sun-misc-unsafe-memory-access=allow"),
        300,
        command);
  }

  @Test
  void userProject_followingTheReadme_compilesAndRunsAgainstTheInstalledArtifacts()
      throws IOException, InterruptedException {
    Result build =
        mvn(
            "-q",
            "compile",
            "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath",
            "-Dmdep.outputFile=classpath.txt");
    assertEquals(0, build.exit(), build.all());
    String classpath =
        "target/classes:" + Files.readString(project.resolve("classpath.txt")).strip();
    assertTrue(
        classpath.contains(repository.resolve("dev/heddle/heddle-core/" + VERSION).toString()),
        classpath);

    Result run =
        Shell.run(
            project,
            Map.of(),
            120,
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            classpath,
            "com.example.App");
    assertEquals(0, run.exit(), run.all());
    assertEquals("threads: heddle has 6 letters\nworker process: another JVM\n", run.out());

    // What an IDE attaches: the sources and the Javadoc, with the concurrency contracts in it.
    Path core = repository.resolve("dev/heddle/heddle-core/" + VERSION);
    assertTrue(Files.isRegularFile(core.resolve("heddle-core-" + VERSION + "-sources.jar")));
    try (var javadoc =
        new java.util.zip.ZipFile(
            core.resolve("heddle-core-" + VERSION + "-javadoc.jar").toFile())) {
      var scope =
          javadoc.stream()
              .filter(e -> e.getName().endsWith("dev/heddle/Scope.html"))
              .findFirst()
              .orElseThrow();
      String html =
          new String(
              javadoc.getInputStream(scope).readAllBytes(),
              java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(
          html.contains("contract/Concurrency.html#blocking()\">blocking</a>="),
          "the Javadoc does not show @Concurrency contracts");
    }
  }

  @Test
  void userProject_startedByExecJava_failsWhenTheRunnerIsBuilt_namingTheFix()
      throws IOException, InterruptedException {
    Result r =
        mvn(
            "-q",
            "compile",
            "org.codehaus.mojo:exec-maven-plugin:3.6.2:java",
            "-Dexec.mainClass=com.example.App");
    assertTrue(r.exit() != 0, r.all());
    assertTrue(r.out().contains("threads: heddle has 6 letters"), r.all());
    assertTrue(r.all().contains("does not hold heddle-process"), r.all());
    assertTrue(r.all().contains("ProcessRunner.builder().classpath(...)"), r.all());
    assertTrue(r.all().contains("exec:exec"), r.all());
  }
}
