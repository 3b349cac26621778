package dev.constellation.orchestrator;

import org.junit.jupiter.api.Test;

class InMemoryRunStateStoreTest {

  @Test
  void keepsAllOfAHundredConcurrentRegistrationsAndWritesOneStartTimeInEachOfTwentyRuns()
      throws Exception {
    ConcurrentRegistration.check(new InMemoryRunStateStore(), 100, 20);
  }
}
