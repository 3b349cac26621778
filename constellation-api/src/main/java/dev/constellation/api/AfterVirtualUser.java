package dev.constellation.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that runs once per virtual user, after its last iteration (log out, clean up).
 * A failure here is counted but does not stop the run.
 *
 * <p>Same signature rules as {@link Iteration}; several such methods run in name order.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AfterVirtualUser {}
