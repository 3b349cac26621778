package dev.constellation.agent.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.constellation.agent.TestTargets;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

class ConstellationTestEngineTest {

  @VirtualUser
  public static class Ok {
    private Http http;

    @Iteration
    void run() {
      http.get("/health").expectStatus(200);
    }
  }

  @VirtualUser
  public static class ExpectsCreated {
    private Http http;

    @Iteration
    void run() {
      http.get("/health").expectStatus(201);
    }
  }

  @VirtualUser
  @dev.constellation.api.Feeder(name = "users", file = "smoke-users.csv", columns = {"user", "role"})
  public static class ChecksAFeederRow {
    private Http http;
    private dev.constellation.api.VuContext vu;

    @Iteration
    void run() {
      java.util.Map<String, String> user = vu.feed("users");
      vu.group("look", () -> http.get("/health").expectStatus(200));
      vu.check("first user is alice", user.get("user").equals("alice"));
      vu.check("first user is a plain user", user.get("role").equals("user"));
      vu.counter("looks").increment();
    }
  }

  @VirtualUser
  @dev.constellation.api.Feeder(name = "users", file = "smoke-ragged.csv")
  public static class RaggedFeeder {
    @Iteration
    void run() {}
  }

  public static class NotAScript {
    @Iteration
    void run() {}
  }

  @Test
  void reportsScriptsSkippedWithTheReasonWhenNoBaseUrlIsGiven() {
    Events tests = EngineTestKit.engine(ConstellationTestEngine.ID).selectors(selectClass(Ok.class)).execute().testEvents();

    tests.assertStatistics(s -> s.skipped(1).started(0));
    tests.assertThatEvents().haveExactly(1, event(test("Ok"), skippedWithReason(r -> r.contains("-Dconstellation.baseUrl="))));
  }

  @Test
  void runsEachScriptOnceAgainstTheGivenBaseUrl() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 0)) {
      Events tests = EngineTestKit.engine(ConstellationTestEngine.ID)
          .selectors(selectClass(Ok.class), selectClass(ExpectsCreated.class), selectClass(NotAScript.class))
          .configurationParameter(ConstellationTestEngine.BASE_URL, target.url())
          .execute().testEvents();

      tests.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
      tests.assertThatEvents().haveExactly(1,
          event(test("ExpectsCreated"), finishedWithFailure(message(m -> m.contains("expected status [201] but was 200")))));
      assertThat(target.requests()).isEqualTo(2);
    }
  }

  @Test
  void smokeRunsTakeTheRunsTlsSettingsAndNameABadOneBeforeSendingAnything() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 0)) {
      Events tests = EngineTestKit.engine(ConstellationTestEngine.ID)
          .selectors(selectClass(Ok.class))
          .configurationParameter(ConstellationTestEngine.BASE_URL, target.url())
          .configurationParameter("constellation.truststore", "no-such-ca.pem")
          .execute().testEvents();

      tests.assertThatEvents().haveExactly(1,
          event(test("Ok"), finishedWithFailure(message(m -> m.contains("truststore \"no-such-ca.pem\" does not exist")))));
      assertThat(target.requests()).isZero();
    }
  }

  @Test
  void smokeRunsReadFeedersRunGroupsAndFailOnAFailedCheckOrABadFile() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 0)) {
      Events tests = EngineTestKit.engine(ConstellationTestEngine.ID)
          .selectors(selectClass(ChecksAFeederRow.class), selectClass(RaggedFeeder.class))
          .configurationParameter(ConstellationTestEngine.BASE_URL, target.url())
          .execute().testEvents();

      tests.assertStatistics(s -> s.started(2).failed(2));
      tests.assertThatEvents().haveExactly(1, event(test("ChecksAFeederRow"),
          finishedWithFailure(message("check failed: first user is a plain user"))));
      tests.assertThatEvents().haveExactly(1, event(test("RaggedFeeder"),
          finishedWithFailure(message(m -> m.startsWith("feeder file ") && m.contains("smoke-ragged.csv, line 3, column 2: the row has 1 field")))));
      assertThat(target.requests()).isEqualTo(1);
    }
  }
}
