package dev.constellation.agent.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.api.AfterVirtualUser;
import dev.constellation.api.BeforeVirtualUser;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptDefinitionTest {

  @VirtualUser(name = "checkout", weight = 3)
  public static class Full {
    public Full(Http http, VuContext vu) {}

    @BeforeVirtualUser
    void b() {}

    @BeforeVirtualUser
    void a(VuContext vu) {}

    @Iteration
    void run() {}

    @AfterVirtualUser
    void done() {}
  }

  @VirtualUser
  public static class NoIteration {}

  @VirtualUser
  public static class TwoIterations {
    @Iteration
    void one() {}

    @Iteration
    void two() {}
  }

  @VirtualUser
  public static class BadParameter {
    @Iteration
    void run(String s) {}
  }

  @VirtualUser
  public static class NoUsableConstructor {
    public NoUsableConstructor(String s) {}

    @Iteration
    void run() {}
  }

  public static class Plain {}

  @Test
  void describesAValidScript() {
    ScriptDefinition d = ScriptDefinition.of(Full.class);
    assertThat(d.name()).isEqualTo("checkout");
    assertThat(d.weight()).isEqualTo(3);
    assertThat(d.constructor().getParameterCount()).isEqualTo(2);
    assertThat(d.before()).extracting(java.lang.reflect.Method::getName).containsExactly("a", "b");
    assertThat(d.after()).hasSize(1);
    assertThat(d.iteration().getName()).isEqualTo("run");
  }

  @Test
  void rejectsBrokenScriptsNamingTheClassAndTheFix() {
    assertThatThrownBy(() -> ScriptDefinition.of(NoIteration.class)).hasMessageContaining(NoIteration.class.getName())
        .hasMessageContaining("no @Iteration method");
    assertThatThrownBy(() -> ScriptDefinition.of(TwoIterations.class)).hasMessageContaining("keep exactly one");
    assertThatThrownBy(() -> ScriptDefinition.of(BadParameter.class)).hasMessageContaining("no parameters or a single VuContext");
    assertThatThrownBy(() -> ScriptDefinition.of(NoUsableConstructor.class)).hasMessageContaining("no public constructor");
    assertThatThrownBy(() -> ScriptDefinition.of(Plain.class)).hasMessageContaining("not annotated @VirtualUser");
  }

  @Test
  void namesAnUnknownScriptClassAndTheSetting() {
    assertThatThrownBy(() -> ScriptDiscovery.find(List.of("com.example.Nope"), getClass().getClassLoader()))
        .isInstanceOf(ScriptException.class)
        .hasMessageContaining("com.example.Nope")
        .hasMessageContaining("<scripts>");
  }
}
