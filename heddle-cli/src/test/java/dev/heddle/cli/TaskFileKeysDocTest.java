package dev.heddle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The documentation of the task file's keys is generated from {@link TaskFileParser#KEYS}: the
 * README's table and the reference in {@code docs/task-file.md} must be exactly what the table
 * gives. To regenerate both after changing a key, run this test with {@code
 * -Dheddle.writeDocs=true}.
 */
class TaskFileKeysDocTest {

  static final String BEGIN =
      "<!-- BEGIN generated from TaskFileParser.KEYS: edit the table, not this -->\n";
  static final String END = "<!-- END generated -->";

  private static void check(Path file, String generated) throws IOException {
    String text = Files.readString(file);
    int a = text.indexOf(BEGIN);
    int b = text.indexOf(END, Math.max(a, 0));
    assertTrue(a >= 0 && b > a, file + " has no generated block of the task file's keys");
    String block = text.substring(a + BEGIN.length(), b);
    if (Boolean.getBoolean("heddle.writeDocs")) {
      Files.writeString(
          file, text.substring(0, a + BEGIN.length()) + generated + text.substring(b));
      return;
    }
    assertEquals(
        generated,
        block,
        file
            + " does not list the task file's keys as TaskFileParser.KEYS does;"
            + " run TaskFileKeysDocTest with -Dheddle.writeDocs=true to regenerate it");
  }

  @Test
  void readme_tableOfKeys_isGeneratedFromTheTable() throws IOException {
    check(HeddleProcess.ROOT.resolve("README.md"), TaskFileParser.referenceTable());
  }

  @Test
  void taskFilePage_referenceOfKeys_isGeneratedFromTheTable() throws IOException {
    check(HeddleProcess.ROOT.resolve("docs/task-file.md"), TaskFileParser.referencePage());
  }

  @Test
  void everyKeyIsDocumented_andEveryTaskKeyHasAReader() {
    Set<String> seen = new HashSet<>();
    for (TaskFileParser.Key k : TaskFileParser.KEYS) {
      assertTrue(seen.add(k.where() + " " + k.name()), "key listed twice: " + k.name());
      assertTrue(
          !k.summary().isBlank() && !k.rules().isBlank() && !k.example().isBlank(),
          "undocumented key " + k.name());
      assertEquals(
          k.where() == TaskFileParser.Where.TASK, k.reader() != null, "reader of " + k.name());
    }
  }

  /** Every key named in the README's example task file is a key of the table: the example cannot use a key that is gone. */
  @Test
  void readmeExample_usesOnlyKeysOfTheTable() throws IOException {
    String readme = Files.readString(HeddleProcess.ROOT.resolve("README.md"));
    int start = readme.indexOf("```yaml\ndefault:");
    assertTrue(start >= 0, "the README's example task file is gone");
    String example = readme.substring(start, readme.indexOf("```\n", start + 7));
    Matcher m = Pattern.compile("(?m)^[ ]{0,4}([a-z_]+):").matcher(example);
    List<String> keys = TaskFileParser.KEYS.stream().map(TaskFileParser.Key::name).toList();
    int checked = 0;
    while (m.find()) {
      String key = m.group(1);
      int indent = m.group().indexOf(key);
      if (indent == 0
          || indent == 4) { // the top level's keys and a task's; indentation 2 holds task names
        assertTrue(
            keys.contains(key),
            "the README's example uses the key '" + key + "', which is not in the table");
        checked++;
      }
    }
    assertTrue(checked > 5, "too few keys found in the README's example: " + checked);
  }
}
