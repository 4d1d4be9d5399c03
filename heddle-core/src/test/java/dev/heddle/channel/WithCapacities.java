package dev.heddle.channel;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs a test once for each channel capacity that matters: rendezvous (0), 1, 16 and
 * unlimited ({@link Capacities#UNLIMITED}). The test takes the capacity as an {@code int}
 * and makes its channel with {@link Capacities#channel}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ParameterizedTest(name = "capacity {0}")
@ValueSource(ints = {0, 1, 16, Capacities.UNLIMITED})
@interface WithCapacities {}
