package dev.constellation.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Holds several {@link Feeder} declarations on one script class; written for you by the compiler
 * when {@code @Feeder} is repeated.
 *
 * @since 0.3
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Feeders {

  /**
   * The feeders.
   *
   * @return the declarations
   */
  Feeder[] value();
}
