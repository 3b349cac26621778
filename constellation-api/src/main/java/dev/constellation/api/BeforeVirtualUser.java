package dev.constellation.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that runs once per virtual user, before its first iteration (log in, fetch a
 * token, pick test data). Requests made here are recorded like any other. If it throws, the run
 * stops before load starts, with an error naming the script.
 *
 * <p>Same signature rules as {@link Iteration}; several such methods run in name order.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface BeforeVirtualUser {}
