package dev.constellation.agent.script;

import dev.constellation.api.AfterVirtualUser;
import dev.constellation.api.BeforeVirtualUser;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A validated {@link VirtualUser} class: its name, weight, constructor, and lifecycle methods.
 *
 * @param type the script class
 * @param name the name in results
 * @param weight the share of VUs
 * @param constructor the constructor used for each VU
 * @param iteration the iteration method
 * @param before per-VU setup methods, in name order
 * @param after per-VU teardown methods, in name order
 * @param injectedFields non-static fields of type Http or VuContext
 */
public record ScriptDefinition(
    Class<?> type,
    String name,
    int weight,
    Constructor<?> constructor,
    Method iteration,
    List<Method> before,
    List<Method> after,
    List<Field> injectedFields) {

  /**
   * Checks a class and describes it.
   *
   * @param type the candidate
   * @return the definition
   * @throws ScriptException naming the class, what is wrong and the fix
   */
  public static ScriptDefinition of(Class<?> type) {
    VirtualUser vu = type.getAnnotation(VirtualUser.class);
    String cls = type.getName();
    if (vu == null) {
      throw new ScriptException("class " + cls + " is not annotated @VirtualUser; annotate it, or remove it from <scripts>");
    }
    if (!Modifier.isPublic(type.getModifiers()) || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new ScriptException("@VirtualUser class " + cls + " must be a public, concrete class");
    }
    if (type.getEnclosingClass() != null && !Modifier.isStatic(type.getModifiers())) {
      throw new ScriptException("@VirtualUser class " + cls + " is an inner class; make it a static nested or top-level class");
    }
    if (vu.weight() < 1) {
      throw new ScriptException("@VirtualUser(weight = " + vu.weight() + ") on " + cls + " must be 1 or more");
    }
    Constructor<?> ctor = pickConstructor(type);
    List<Method> iterations = annotated(type, Iteration.class);
    if (iterations.isEmpty()) {
      throw new ScriptException("@VirtualUser class " + cls + " has no @Iteration method; annotate the method that runs one iteration");
    }
    if (iterations.size() > 1) {
      throw new ScriptException("@VirtualUser class " + cls + " has " + iterations.size() + " @Iteration methods ("
          + iterations.stream().map(Method::getName).toList() + "); keep exactly one");
    }
    List<Field> fields = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers())
            && (f.getType() == Http.class || f.getType() == VuContext.class)) {
          f.setAccessible(true);
          fields.add(f);
        }
      }
    }
    String name = vu.name().isBlank() ? type.getSimpleName() : vu.name().trim();
    return new ScriptDefinition(type, name, vu.weight(), ctor, iterations.get(0),
        annotated(type, BeforeVirtualUser.class), annotated(type, AfterVirtualUser.class), List.copyOf(fields));
  }

  private static Constructor<?> pickConstructor(Class<?> type) {
    Constructor<?> best = null;
    for (Constructor<?> c : type.getConstructors()) {
      boolean injectable = true;
      for (Class<?> p : c.getParameterTypes()) {
        injectable &= p == Http.class || p == VuContext.class;
      }
      if (injectable && (best == null || c.getParameterCount() > best.getParameterCount())) {
        best = c;
      }
    }
    if (best == null) {
      throw new ScriptException("@VirtualUser class " + type.getName()
          + " has no public constructor taking only Http and/or VuContext parameters; add one (a no-argument constructor is fine)");
    }
    return best;
  }

  private static List<Method> annotated(Class<?> type, Class<? extends java.lang.annotation.Annotation> a) {
    List<Method> out = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (!m.isAnnotationPresent(a)) {
          continue;
        }
        String where = type.getName() + "." + m.getName();
        if (Modifier.isStatic(m.getModifiers())) {
          throw new ScriptException("@" + a.getSimpleName() + " method " + where + " is static; make it an instance method");
        }
        Class<?>[] p = m.getParameterTypes();
        if (p.length > 1 || (p.length == 1 && p[0] != VuContext.class)) {
          throw new ScriptException("@" + a.getSimpleName() + " method " + where
              + " must take no parameters or a single VuContext");
        }
        m.setAccessible(true);
        out.add(m);
      }
    }
    out.sort(Comparator.comparing(Method::getName));
    return out;
  }
}
