/**
 * Planted package dependencies: {@code a} and {@code b} import each other, and {@code below}
 * uses a leaf type of this package, which uses {@code below} (two cycles the package rule must
 * report); this package uses {@code lower} and {@code words}, and {@code lower} uses {@code
 * words}, one way (no cycle).
 */
package dev.heddle.architecture.planted.cycle;
