package dev.constellation.agent.script;

import dev.constellation.api.Http;
import dev.constellation.api.VuContext;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** One virtual user's script object, created and injected, with its lifecycle calls. */
public final class VirtualUserInstance {

  private final ScriptDefinition script;
  private final Object target;
  private final VuContext context;

  private VirtualUserInstance(ScriptDefinition script, Object target, VuContext context) {
    this.script = script;
    this.target = target;
    this.context = context;
  }

  /**
   * Creates the script object and injects the client and context.
   *
   * @param script the script
   * @param http the VU's client
   * @param context the VU's context
   * @return the instance
   * @throws ScriptException when the constructor throws
   */
  public static VirtualUserInstance create(ScriptDefinition script, Http http, VuContext context) {
    Class<?>[] types = script.constructor().getParameterTypes();
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      args[i] = types[i] == Http.class ? http : context;
    }
    Object target;
    try {
      target = script.constructor().newInstance(args);
    } catch (InvocationTargetException e) {
      throw new ScriptException("the constructor of " + script.type().getName() + " threw " + describe(e.getCause())
          + "; fix the constructor (it runs once per virtual user before load starts)", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new ScriptException("cannot create " + script.type().getName() + ": " + e, e);
    }
    try {
      for (Field f : script.injectedFields()) {
        if (f.get(target) == null) {
          f.set(target, f.getType() == Http.class ? http : context);
        }
      }
    } catch (IllegalAccessException e) {
      throw new ScriptException("cannot inject fields of " + script.type().getName() + ": " + e, e);
    }
    return new VirtualUserInstance(script, target, context);
  }

  /**
   * Runs the setup methods.
   *
   * @throws ScriptException naming the method and what it threw
   */
  public void before() {
    for (Method m : script.before()) {
      try {
        call(m);
      } catch (Throwable t) {
        throw new ScriptException("@BeforeVirtualUser method " + script.type().getName() + "." + m.getName() + " threw "
            + describe(t) + "; fix the setup (it runs once per virtual user before load starts)", t);
      }
    }
  }

  /**
   * Runs one iteration.
   *
   * @throws Throwable whatever the iteration threw
   */
  public void iterate() throws Throwable {
    call(script.iteration());
  }

  /**
   * Runs the teardown methods; returns the first failure, or null.
   *
   * @return what a teardown method threw, or null
   */
  public Throwable after() {
    Throwable first = null;
    for (Method m : script.after()) {
      try {
        call(m);
      } catch (Throwable t) {
        if (first == null) {
          first = t;
        }
      }
    }
    return first;
  }

  private void call(Method m) throws Throwable {
    try {
      if (m.getParameterCount() == 0) {
        m.invoke(target);
      } else {
        m.invoke(target, context);
      }
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static String describe(Throwable t) {
    return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
