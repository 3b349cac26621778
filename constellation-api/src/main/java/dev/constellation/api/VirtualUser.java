package dev.constellation.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public class as a virtual-user script.
 *
 * <p>Each virtual user (VU) gets its own instance. The instance receives an {@link Http} client
 * and a {@link VuContext}, through a public constructor taking any of them, or through fields of
 * those types; it then runs its {@link Iteration} method again and again until the test ends.
 * Optional {@link BeforeVirtualUser} and {@link AfterVirtualUser} methods run once per VU.
 *
 * <pre>{@code
 * @VirtualUser(weight = 3)
 * public class BrowseCatalog {
 *   private final Http http;
 *   public BrowseCatalog(Http http) { this.http = http; }
 *
 *   @Iteration
 *   void browse(VuContext vu) {
 *     http.get("/items").expectStatus(200);
 *     vu.pause(Duration.ofSeconds(1));
 *   }
 * }
 * }</pre>
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface VirtualUser {

  /**
   * The script's name in results and reports.
   *
   * @return the name; empty means the class's simple name
   */
  String name() default "";

  /**
   * The script's share of the virtual users when several scripts run together: a script of
   * weight 3 gets three times the VUs of a script of weight 1 (largest remainders first), and in
   * the open model also three times the iterations (arrivals go to scripts by smooth weighted
   * round robin). Must be 1 or more.
   *
   * @return the relative weight
   */
  int weight() default 1;
}
