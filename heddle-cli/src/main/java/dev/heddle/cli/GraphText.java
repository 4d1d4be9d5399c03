package dev.heddle.cli;

/** A task file's graph as text: DOT (Graphviz) or Mermaid. Edges run from a task to the tasks that need it. */
final class GraphText {
  private GraphText() {}

  static String dot(TaskFile file) {
    StringBuilder s = new StringBuilder("digraph tasks {\n  rankdir=LR;\n  node [shape=box];\n");
    for (TaskFile.Entry e : file.tasks()) {
      s.append("  ")
          .append(quote(e.name()))
          .append(" [tooltip=")
          .append(quote(e.command().display()))
          .append("];\n");
    }
    for (TaskFile.Entry e : file.tasks()) {
      for (String need : e.needs()) {
        s.append("  ").append(quote(need)).append(" -> ").append(quote(e.name())).append(";\n");
      }
    }
    return s.append("}\n").toString();
  }

  static String mermaid(TaskFile file) {
    StringBuilder s = new StringBuilder("flowchart LR\n");
    int i = 0;
    java.util.Map<String, String> ids = new java.util.HashMap<>();
    for (TaskFile.Entry e : file.tasks()) {
      String id = "t" + i++;
      ids.put(e.name(), id);
      s.append("  ")
          .append(id)
          .append("[\"")
          .append(e.name().replace("\"", "#quot;"))
          .append("\"]\n");
    }
    for (TaskFile.Entry e : file.tasks()) {
      for (String need : e.needs()) {
        s.append("  ").append(ids.get(need)).append(" --> ").append(ids.get(e.name())).append('\n');
      }
    }
    return s.toString();
  }

  private static String quote(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
