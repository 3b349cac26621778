package dev.constellation.agent.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.api.Feeder;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeederSourceTest {

  @TempDir
  Path dir;

  static Feeder feeder(String name, String file, Feeder.Strategy strategy, String... columns) {
    return new Feeder() {
      @Override public Class<? extends Annotation> annotationType() { return Feeder.class; }
      @Override public String name() { return name; }
      @Override public String file() { return file; }
      @Override public String[] columns() { return columns; }
      @Override public Strategy strategy() { return strategy; }
      @Override public WhenExhausted whenExhausted() { return WhenExhausted.STOP_VU; }
      @Override public long seed() { return 42; }
    };
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private FeederSource open(Path file, Feeder.Strategy strategy, FeedShare share, String... columns) {
    return FeederSource.open(feeder("users", file.toString(), strategy, columns), "LogIn", getClass().getClassLoader(), share);
  }

  @Test
  void csvFollowsRfc4180QuotesCommasAndLineBreaksAndCircularStartsAgain() throws Exception {
    Path f = write("users.csv", "user,note\r\nu1,\"a, b\"\r\n\r\nu2,\"say \"\"hi\"\"\nand bye\"\nu3,\n");
    try (FeederSource s = open(f, Feeder.Strategy.CIRCULAR, FeedShare.alone(1), "user")) {
      assertThat(s.rows()).isEqualTo(3);
      assertThat(s.nextSequential()).containsExactly(Map.entry("user", "u1"), Map.entry("note", "a, b"));
      assertThat(s.nextSequential()).containsExactly(Map.entry("user", "u2"), Map.entry("note", "say \"hi\"\nand bye"));
      assertThat(s.nextSequential()).containsExactly(Map.entry("user", "u3"), Map.entry("note", ""));
      assertThat(s.nextSequential().get("user")).isEqualTo("u1");
    }
  }

  @Test
  void uniqueSharesOfEveryAgentAreDisjointAndCoverTheFileInProportionToVus() throws Exception {
    StringBuilder b = new StringBuilder("id\n");
    for (int i = 0; i < 10_000; i++) {
      b.append(i).append('\n');
    }
    Path f = write("rows.csv", b.toString());
    List<FeedShare> shares = List.of(new FeedShare(0, 4, 9), new FeedShare(4, 3, 9), new FeedShare(7, 2, 9));
    Set<String> seen = new HashSet<>();
    List<Integer> perShare = new ArrayList<>();
    for (FeedShare share : shares) {
      try (FeederSource s = open(f, Feeder.Strategy.UNIQUE, share, "id")) {
        int n = 0;
        for (Map<String, String> row = s.nextSequential(); row != null; row = s.nextSequential()) {
          assertThat(seen.add(row.get("id"))).as("row %s handed out twice", row.get("id")).isTrue();
          n++;
        }
        assertThat(n).isEqualTo(s.shareRows());
        assertThat(s.nextSequential()).isNull();
        perShare.add(n);
      }
    }
    assertThat(seen).hasSize(10_000);
    // 10,000 = 1,111 full rounds of 9 slots + 1 row (slot 0)
    assertThat(perShare).containsExactly(1111 * 4 + 1, 1111 * 3, 1111 * 2);
  }

  @Test
  void randomDrawsRepeatWithTheSameSeedAndReadJsonLines() throws Exception {
    Path f = write("users.jsonl", "{\"user\":\"u1\",\"age\":31,\"tags\":[\"a\"]}\n{\"user\":\"u2\",\"age\":null}\n{\"user\":\"u3\"}\n");
    try (FeederSource s = open(f, Feeder.Strategy.RANDOM, FeedShare.alone(1), "user")) {
      List<String> first = new ArrayList<>();
      List<String> second = new ArrayList<>();
      SplittableRandom a = new SplittableRandom(7);
      SplittableRandom c = new SplittableRandom(7);
      for (int i = 0; i < 50; i++) {
        first.add(s.nextRandom(a).get("user"));
        second.add(s.nextRandom(c).get("user"));
      }
      assertThat(first).isEqualTo(second).contains("u1", "u2", "u3");
      SplittableRandom r = new SplittableRandom(1);
      Map<String, String> row;
      do {
        row = s.nextRandom(r);
      } while (!row.get("user").equals("u1"));
      assertThat(row).containsExactly(Map.entry("user", "u1"), Map.entry("age", "31"), Map.entry("tags", "[\"a\"]"));
    }
  }

  @Test
  void aRaggedRowIsRefusedNamingFileLineAndColumn() throws Exception {
    Path f = write("users.csv", "user,password\nu1,p1\nu2\nu3,p3\n");
    assertThatThrownBy(() -> open(f, Feeder.Strategy.CIRCULAR, FeedShare.alone(1)))
        .isInstanceOf(FeederException.class)
        .hasMessage("feeder file " + f + ", line 3, column 2: the row has 1 field but the header has 2 (user, password); "
            + "column \"password\" is missing; quote fields that hold commas (\"a,b\")");
  }

  @Test
  void aMissingRequiredColumnIsRefused() throws Exception {
    Path f = write("users.csv", "user,pass\nu1,p1\n");
    assertThatThrownBy(() -> open(f, Feeder.Strategy.CIRCULAR, FeedShare.alone(1), "user", "password"))
        .hasMessage("feeder file " + f + ", line 1, column 3: the header has no column \"password\" (required by @Feeder(columns) of "
            + "feeder \"users\"); its columns: user, pass");
    Path j = write("users.jsonl", "{\"user\":\"u1\",\"password\":\"p\"}\n{\"user\":\"u2\"}\n");
    assertThatThrownBy(() -> open(j, Feeder.Strategy.CIRCULAR, FeedShare.alone(1), "user", "password"))
        .hasMessage("feeder file " + j + ", line 2, column 1: the object has no field \"password\" (required by @Feeder(columns) of "
            + "feeder \"users\"); its fields: [user]");
  }

  @Test
  void textThatIsNotUtf8IsRefusedAtItsLineAndColumn() throws Exception {
    Path f = dir.resolve("latin1.csv");
    Files.write(f, "user,city\nu1,Berlin\nu2,M\u00fcnchen\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> open(f, Feeder.Strategy.CIRCULAR, FeedShare.alone(1)))
        .hasMessage("feeder file " + f + ", line 3, column 2: not UTF-8 (byte 0xFC); save the file as UTF-8");
    Path j = dir.resolve("latin1.jsonl");
    Files.write(j, "{\"city\":\"M\u00fcnchen\"}\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> open(j, Feeder.Strategy.CIRCULAR, FeedShare.alone(1)))
        .hasMessage("feeder file " + j + ", line 1, column 11: not UTF-8 (byte 0xFC); save the file as UTF-8");
  }

  @Test
  void brokenQuotesAndJsonAreRefused() throws Exception {
    Path open = write("open.csv", "user,note\nu1,\"never closed\nu2,x\n");
    assertThatThrownBy(() -> open(open, Feeder.Strategy.CIRCULAR, FeedShare.alone(1)))
        .hasMessage("feeder file " + open + ", line 2, column 2: a quoted field is not closed before the end of the file; close it with \"");
    Path json = write("bad.jsonl", "{\"user\":\"u1\"}\n[1,2]\n");
    assertThatThrownBy(() -> open(json, Feeder.Strategy.CIRCULAR, FeedShare.alone(1)))
        .hasMessageStartingWith("feeder file " + json + ", line 2, column 1: not a JSON object");
    Path empty = write("empty.csv", "user\n");
    assertThatThrownBy(() -> open(empty, Feeder.Strategy.CIRCULAR, FeedShare.alone(1)))
        .hasMessage("feeder file " + empty + " has no rows; feeder \"users\" of LogIn needs at least one");
    assertThatThrownBy(() -> open(dir.resolve("nope.csv"), Feeder.Strategy.CIRCULAR, FeedShare.alone(1)))
        .hasMessageStartingWith("feeder \"users\" of LogIn: file \"" + dir.resolve("nope.csv") + "\" is neither on the test classpath");
  }

  @Test
  void feedSharesParseAndCountRows() {
    FeedShare s = FeedShare.parse("4:3/9", "--feedShare");
    assertThat(s).isEqualTo(new FeedShare(4, 3, 9));
    assertThat(s.toString()).isEqualTo("4:3/9");
    assertThat(s.owns(4)).isTrue();
    assertThat(s.owns(7)).isFalse();
    assertThat(s.owns(13)).isTrue();
    assertThat(s.rowsOf(14)).isEqualTo(4); // rows 4, 5, 6, 13
    assertThatThrownBy(() -> FeedShare.parse("8:3/9", "--feedShare"))
        .hasMessageStartingWith("--feedShare is \"8:3/9\": feed share 8+3/9 does not fit");
    assertThatThrownBy(() -> FeedShare.parse("x", "--feedShare"))
        .hasMessage("--feedShare is \"x\"; write first:count/total, e.g. 40:20/60 (slots 40 to 59 of 60 VUs)");
  }
}
