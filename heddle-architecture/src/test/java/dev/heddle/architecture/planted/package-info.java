/**
 * Planted violations of the contract rules: each class breaks one rule on purpose, and
 * {@code PlantedViolationsTest} shows that the rule reports it. Nothing here is Heddle's
 * API; the rules treat its public types as if they were.
 */
package dev.heddle.architecture.planted;
