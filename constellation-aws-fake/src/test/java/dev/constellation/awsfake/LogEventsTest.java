package dev.constellation.awsfake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/** Paging and filtering of stored log events through the real CloudWatch Logs client (no task processes). */
class LogEventsTest {

  private FakeAws fake;
  private CloudWatchLogsClient logs;

  @BeforeEach
  void start() {
    fake = FakeAws.start();
    logs = Clients.of(CloudWatchLogsClient.builder(), fake, "eu-west-1");
    logs.createLogGroup(r -> r.logGroupName("/g"));
    synchronized (fake.lock) {
      for (int i = 1; i <= 5; i++) {
        fake.logs.append("eu-west-1", "/g", "p/agent/a", 1_000L * i, "a" + i + (i == 3 ? " ERROR exit 2" : ""));
        fake.logs.append("eu-west-1", "/g", "p/agent/b", 1_000L * i + 500, "b" + i);
      }
    }
  }

  @AfterEach
  void stop() {
    logs.close();
    fake.close();
  }

  private static List<String> messages(List<OutputLogEvent> events) {
    return events.stream().map(OutputLogEvent::message).toList();
  }

  @Test
  void getLogEventsPagesForwardFromTheHeadAndBackwardFromTheTail() {
    var p1 = logs.getLogEvents(r -> r.logGroupName("/g").logStreamName("p/agent/a").startFromHead(true).limit(2));
    assertThat(messages(p1.events())).containsExactly("a1", "a2");
    var p2 = logs.getLogEvents(r -> r.logGroupName("/g").logStreamName("p/agent/a").limit(2).nextToken(p1.nextForwardToken()));
    assertThat(messages(p2.events())).containsExactly("a3 ERROR exit 2", "a4");
    var p3 = logs.getLogEvents(r -> r.logGroupName("/g").logStreamName("p/agent/a").limit(2).nextToken(p2.nextForwardToken()));
    assertThat(messages(p3.events())).containsExactly("a5");
    var p4 = logs.getLogEvents(r -> r.logGroupName("/g").logStreamName("p/agent/a").limit(2).nextToken(p3.nextForwardToken()));
    assertThat(p4.events()).isEmpty();
    assertThat(p4.nextForwardToken()).isEqualTo(p3.nextForwardToken());

    var tail = logs.getLogEvents(r -> r.logGroupName("/g").logStreamName("p/agent/a").limit(2));
    assertThat(messages(tail.events())).containsExactly("a4", "a5");
    assertThat(tail.events().get(0).timestamp()).isEqualTo(4_000L);
    var back = logs.getLogEvents(r -> r.logGroupName("/g").logStreamName("p/agent/a").limit(10).nextToken(tail.nextBackwardToken()));
    assertThat(messages(back.events())).containsExactly("a1", "a2", "a3 ERROR exit 2");

    var window = logs.getLogEvents(r -> r.logGroupName("/g").logStreamName("p/agent/a").startFromHead(true)
        .startTime(2_000L).endTime(4_000L));
    assertThat(messages(window.events())).as("startTime inclusive, endTime exclusive").containsExactly("a2", "a3 ERROR exit 2");

    assertThatThrownBy(() -> logs.getLogEvents(r -> r.logGroupName("/g").logStreamName("p/agent/missing")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void filterLogEventsInterleavesStreamsPagesAndMatchesTermPatterns() {
    var all = logs.filterLogEvents(r -> r.logGroupName("/g").limit(4));
    assertThat(all.events()).extracting(FilteredLogEvent::message).containsExactly("a1", "b1", "a2", "b2");
    var rest = logs.filterLogEvents(r -> r.logGroupName("/g").limit(100).nextToken(all.nextToken()));
    assertThat(rest.events()).hasSize(6);
    assertThat(rest.nextToken()).isNull();

    assertThat(logs.filterLogEvents(r -> r.logGroupName("/g").filterPattern("ERROR \"exit 2\"")).events())
        .extracting(FilteredLogEvent::logStreamName, FilteredLogEvent::message)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("p/agent/a", "a3 ERROR exit 2"));
    assertThat(logs.filterLogEvents(r -> r.logGroupName("/g").filterPattern("?b1 ?a5")).events())
        .extracting(FilteredLogEvent::message).containsExactly("b1", "a5");
    assertThat(logs.filterLogEvents(r -> r.logGroupName("/g").logStreamNames("p/agent/b").filterPattern("-b2")).events())
        .extracting(FilteredLogEvent::message).containsExactly("b1", "b3", "b4", "b5");
    assertThatThrownBy(() -> logs.filterLogEvents(r -> r.logGroupName("/g").filterPattern("{ $.level = \"ERROR\" }")))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("term filter patterns");
  }

  @Test
  void describeLogStreamsListsByNameOrLastEventTime() {
    assertThat(logs.describeLogStreams(r -> r.logGroupName("/g")).logStreams()).extracting(LogStream::logStreamName)
        .containsExactly("p/agent/a", "p/agent/b");
    var newestFirst = logs.describeLogStreams(r -> r.logGroupName("/g").orderBy("LastEventTime").descending(true).limit(1));
    assertThat(newestFirst.logStreams()).singleElement().satisfies(s -> {
      assertThat(s.logStreamName()).isEqualTo("p/agent/b");
      assertThat(s.firstEventTimestamp()).isEqualTo(1_500L);
      assertThat(s.lastEventTimestamp()).isEqualTo(5_500L);
      assertThat(s.arn()).isEqualTo("arn:aws:logs:eu-west-1:123456789012:log-group:/g:log-stream:p/agent/b");
    });
    assertThat(newestFirst.nextToken()).isNotNull();
    logs.deleteLogGroup(r -> r.logGroupName("/g"));
    assertThat(fake.resources("logs")).isEmpty();
  }
}
