package com.example;

import dev.heddle.Handle;
import dev.heddle.Runner;
import dev.heddle.Scope;
import dev.heddle.process.ProcessRunner;

/** A first program: two tasks on threads, then one in a worker process. */
public class App {
  public static void main(String[] args) throws Exception {
    try (Runner runner = Runner.threads(2); Scope scope = Scope.open(runner)) {
      Handle<String> word = scope.fork("word", () -> "heddle");
      Handle<Integer> length = scope.fork("length", word, String::length);
      scope.join();
      System.out.println("threads: " + word.get() + " has " + length.get() + " letters");
    }
    try (ProcessRunner runner = ProcessRunner.builder().workers(1).allowPackages("com.example").build();
         Scope scope = Scope.open(runner)) {
      Handle<Long> pid = scope.fork("pid", () -> ProcessHandle.current().pid());
      scope.join();
      System.out.println("worker process: " + (pid.get() != ProcessHandle.current().pid() ? "another JVM" : "this JVM"));
    }
  }
}
