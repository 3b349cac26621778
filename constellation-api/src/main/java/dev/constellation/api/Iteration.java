package dev.constellation.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method that runs one iteration of a {@link VirtualUser} script.
 *
 * <p>Exactly one method per script carries it. It may be of any visibility, must not be static,
 * and takes no parameters or a single {@link VuContext}. An iteration fails when the method throws
 * (an {@link AssertionError}, an {@link HttpFailure} or any other exception); the failure is
 * counted by its type and the virtual user carries on with its next iteration.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Iteration {}
