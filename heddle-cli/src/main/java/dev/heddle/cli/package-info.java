/** The {@code heddle} command. An application, not an API: nothing here is meant for reuse. */
@NullMarked
package dev.heddle.cli;

import org.jspecify.annotations.NullMarked;
