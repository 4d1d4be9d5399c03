package dev.heddle;

import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which classes may cross a process boundary: the allow-list that a runner in other
 * processes reads everything through, and that the {@linkplain RunnerOptions#strictTransfer
 * strict transfer check} applies on every runner, so that what a worker process would refuse
 * is refused on threads too.
 *
 * <p>Two lists, one narrower than the other:
 *
 * <ul>
 *   <li><b>Results</b> (what a task returns or throws, read by the runner's own JVM): the
 *       JDK's value types ({@code java.lang} but not its subpackages, {@code java.util} and
 *       {@code java.util.concurrent} with {@code .atomic}, {@code java.time}, {@code
 *       java.math}, {@code java.net.URI}, {@code java.io.File}), exceptions of any {@code
 *       java.*} package, Heddle's own classes, and the packages and classes given to
 *       {@link #allowResultPackages} and {@link #allowResultClasses}. Serialized lambdas and
 *       proxies are refused in results unless {@link #allowLambdasAndProxiesInResults}
 *       says otherwise, since either can run code chosen by the worker when the runner
 *       reads it (a lambda comparator in a {@code PriorityQueue}, say).
 *   <li><b>Bodies</b> (the task's body, what it captures, and its inputs, read by a worker):
 *       everything a result may hold, serialized lambdas, and the packages given to {@link
 *       #allowPackages}, which must include those of your task bodies' classes.
 * </ul>
 *
 * <p>Allowing a package allows every serializable class in it and in its subpackages,
 * including the ones whose deserialization does more than set fields. Name for results only
 * the packages or classes of your result and exception types.
 *
 * <p>Depth is bounded too: an object graph nested deeper than {@link #MAX_DEPTH} levels is
 * refused, since reading it could overflow the reader's stack.
 *
 * <p>Instances are immutable; each method returns a new instance.
 */
public final class TransferRules {

  /** How deeply an object graph that crosses a process boundary may nest. */
  public static final int MAX_DEPTH = 200;

  private static final Pattern PACKAGE =
      Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
  private static final List<String> JDK_PACKAGES =
      List.of("java.lang", "java.util", "java.util.concurrent", "java.util.concurrent.atomic");
  private static final List<String> JDK_TREES = List.of("java.time", "java.math", "dev.heddle");
  private static final TransferRules DEFAULTS =
      new TransferRules(List.of(), List.of(), List.of(), false);

  private final List<String> packages;
  private final List<String> resultPackages;
  private final List<String> resultClasses;
  private final boolean lambdasAndProxiesInResults;

  private TransferRules(
      List<String> packages,
      List<String> resultPackages,
      List<String> resultClasses,
      boolean lambdasAndProxiesInResults) {
    this.packages = packages;
    this.resultPackages = resultPackages;
    this.resultClasses = resultClasses;
    this.lambdasAndProxiesInResults = lambdasAndProxiesInResults;
  }

  /** The built-in lists only. */
  public static TransferRules defaults() {
    return DEFAULTS;
  }

  /**
   * These rules, with these packages and their subpackages allowed in bodies, captures and
   * inputs: the packages of your task bodies' classes and of what they capture.
   *
   * @throws IllegalArgumentException if a name is not a package name
   */
  public TransferRules allowPackages(String... names) {
    return new TransferRules(
        plus(packages, names), resultPackages, resultClasses, lambdasAndProxiesInResults);
  }

  /**
   * These rules, with these packages and their subpackages allowed in results and exceptions
   * (and so in bodies and inputs too).
   *
   * @throws IllegalArgumentException if a name is not a package name
   */
  public TransferRules allowResultPackages(String... names) {
    return new TransferRules(
        packages, plus(resultPackages, names), resultClasses, lambdasAndProxiesInResults);
  }

  /** These rules, with these classes allowed in results and exceptions (and so in bodies and inputs too). */
  public TransferRules allowResultClasses(Class<?>... classes) {
    List<String> all = new ArrayList<>(resultClasses);
    for (Class<?> c : classes) {
      all.add(Objects.requireNonNull(c, "class").getName());
    }
    return new TransferRules(
        packages, resultPackages, List.copyOf(all), lambdasAndProxiesInResults);
  }

  /**
   * These rules, with serialized lambdas and proxies allowed in results or not (the default).
   * A lambda still needs the class that declares it allowed, a proxy its interfaces and
   * handler.
   */
  public TransferRules allowLambdasAndProxiesInResults(boolean on) {
    return new TransferRules(packages, resultPackages, resultClasses, on);
  }

  /** The packages given to {@link #allowPackages}. */
  public List<String> packages() {
    return packages;
  }

  /** The packages given to {@link #allowResultPackages}. */
  public List<String> resultPackages() {
    return resultPackages;
  }

  /** The names of the classes given to {@link #allowResultClasses}. */
  public List<String> resultClasses() {
    return resultClasses;
  }

  /** Whether serialized lambdas and proxies are allowed in results. */
  public boolean lambdasAndProxiesInResults() {
    return lambdasAndProxiesInResults;
  }

  /** Whether {@code c} may travel in a result or an exception. Never initialises {@code c}. */
  public boolean allowsInResult(Class<?> c) {
    Class<?> t = element(c);
    if (t.isPrimitive()) {
      return true;
    }
    if (t == SerializedLambda.class || Proxy.isProxyClass(t)) {
      return lambdasAndProxiesInResults && (t == SerializedLambda.class || inResultLists(t));
    }
    return builtIn(t) || inResultLists(t);
  }

  /** Whether {@code c} may travel in a body, a capture or an input. Never initialises {@code c}. */
  public boolean allowsInBody(Class<?> c) {
    Class<?> t = element(c);
    if (t.isPrimitive() || t == SerializedLambda.class || builtIn(t) || inResultLists(t)) {
      return true;
    }
    return within(t.getPackageName(), packages);
  }

  /** Whether a lambda declared in the class of this name may be sent in a body. */
  public boolean allowsLambdaDeclaredIn(String className) {
    int dot = className.lastIndexOf('.');
    String pkg = dot < 0 ? "" : className.substring(0, dot);
    return within(pkg, List.of("dev.heddle"))
        || within(pkg, packages)
        || within(pkg, resultPackages)
        || resultClasses.contains(className);
  }

  /** Where to look to allow a refused class, for messages. */
  public String describe() {
    StringBuilder b =
        new StringBuilder(
            "results and exceptions may hold the JDK's value types and exceptions,"
                + " Heddle's classes");
    if (!resultPackages.isEmpty()) {
      b.append(", the packages ").append(String.join(", ", resultPackages));
    }
    if (!resultClasses.isEmpty()) {
      b.append(", the classes ").append(String.join(", ", resultClasses));
    }
    b.append("; bodies, captures and inputs may also hold serialized lambdas");
    if (!packages.isEmpty()) {
      b.append(" and the packages ").append(String.join(", ", packages));
    }
    return b.toString();
  }

  private boolean inResultLists(Class<?> t) {
    return resultClasses.contains(t.getName()) || within(t.getPackageName(), resultPackages);
  }

  private static boolean builtIn(Class<?> t) {
    String pkg = t.getPackageName();
    if (JDK_PACKAGES.contains(pkg) || within(pkg, JDK_TREES)) {
      return true;
    }
    if (pkg.startsWith("java.") && Throwable.class.isAssignableFrom(t)) {
      return true;
    }
    return t == java.net.URI.class || t == java.io.File.class;
  }

  private static Class<?> element(Class<?> c) {
    while (c.isArray()) {
      c = c.getComponentType();
    }
    return c;
  }

  private static boolean within(String pkg, List<String> roots) {
    for (String a : roots) {
      if (pkg.equals(a)
          || (pkg.startsWith(a) && pkg.length() > a.length() && pkg.charAt(a.length()) == '.')) {
        return true;
      }
    }
    return false;
  }

  private static List<String> plus(List<String> list, String... names) {
    List<String> all = new ArrayList<>(list);
    for (String p : names) {
      if (!PACKAGE.matcher(Objects.requireNonNull(p, "package")).matches()) {
        throw new IllegalArgumentException(
            "'" + p + "' is not a package name, such as com.example.jobs");
      }
      all.add(p);
    }
    return List.copyOf(all);
  }

  @Override
  public String toString() {
    return "TransferRules[packages="
        + packages
        + ", resultPackages="
        + resultPackages
        + ", resultClasses="
        + resultClasses
        + ", lambdasAndProxiesInResults="
        + lambdasAndProxiesInResults
        + "]";
  }
}
