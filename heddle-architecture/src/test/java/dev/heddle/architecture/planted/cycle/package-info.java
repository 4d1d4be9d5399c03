/**
 * Planted package dependencies: {@code a} and {@code b} import each other (a cycle the package
 * rule must report); this package and {@code lower} depend on each other only through the
 * vocabulary type {@link dev.heddle.architecture.planted.cycle.Word} (no cycle); {@link
 * dev.heddle.architecture.planted.cycle.Muddled} is vocabulary that depends on {@code a}.
 */
package dev.heddle.architecture.planted.cycle;
