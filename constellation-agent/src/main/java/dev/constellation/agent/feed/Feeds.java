package dev.constellation.agent.feed;

import dev.constellation.agent.record.MetricRecorder;
import dev.constellation.agent.record.Recording;
import dev.constellation.api.Feeder;
import dev.constellation.api.FeederExhaustedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The feeders of one agent: every {@code @Feeder} of every script class, opened and checked before
 * any load. Gives each VU its {@link Vu} view.
 */
public final class Feeds implements AutoCloseable {

  private final Map<Class<?>, Map<String, FeederSource>> byScript;
  private final String runId;
  private final String region;
  private final int agentIndex;

  private Feeds(Map<Class<?>, Map<String, FeederSource>> byScript, String runId, String region, int agentIndex) {
    this.byScript = byScript;
    this.runId = runId;
    this.region = region;
    this.agentIndex = agentIndex;
  }

  /** No feeders (a run whose scripts declare none). */
  public static Feeds none() {
    return new Feeds(Map.of(), "", "", 0);
  }

  /**
   * Opens and checks every feeder declared on the script classes.
   *
   * @param scripts script class → its name in results
   * @param loader the test classpath
   * @param share this agent's share of unique feeders
   * @param runId the run (random feeders' default seed)
   * @param region the agent's region (random feeders' seed)
   * @param agentIndex the agent's index (random feeders' seed)
   * @return the feeders
   * @throws FeederException when a file is missing or bad, naming file, line and column
   */
  public static Feeds load(Map<Class<?>, String> scripts, ClassLoader loader, FeedShare share, String runId, String region, int agentIndex) {
    Map<Class<?>, Map<String, FeederSource>> out = new LinkedHashMap<>();
    List<FeederSource> opened = new ArrayList<>();
    try {
      for (Map.Entry<Class<?>, String> e : scripts.entrySet()) {
        Map<String, FeederSource> feeders = new LinkedHashMap<>();
        for (Feeder f : e.getKey().getAnnotationsByType(Feeder.class)) {
          if (feeders.containsKey(f.name())) {
            throw new FeederException(e.getKey().getName() + " declares feeder \"" + f.name() + "\" twice; give each @Feeder its own name");
          }
          FeederSource source = FeederSource.open(f, e.getValue(), loader, share);
          opened.add(source);
          feeders.put(f.name(), source);
        }
        if (!feeders.isEmpty()) {
          out.put(e.getKey(), Collections.unmodifiableMap(feeders));
        }
      }
    } catch (RuntimeException ex) {
      for (FeederSource s : opened) {
        try {
          s.close();
        } catch (IOException ignored) {
          // the failure being reported matters more
        }
      }
      throw ex;
    }
    return new Feeds(out, runId, region, agentIndex);
  }

  /** Every feeder, for the agent's start-up line. */
  public List<FeederSource> all() {
    List<FeederSource> all = new ArrayList<>();
    byScript.values().forEach(m -> all.addAll(m.values()));
    return all;
  }

  /**
   * One VU's view of its script's feeders.
   *
   * @param scriptClass the script class
   * @param script the script's name in results
   * @param vuIndex the VU's index on this agent
   * @param recording where rows taken and exhaustion are counted
   * @return the view
   */
  public Vu forVu(Class<?> scriptClass, String script, int vuIndex, Recording recording) {
    return new Vu(byScript.getOrDefault(scriptClass, Map.of()), scriptClass, script, vuIndex, recording);
  }

  @Override
  public void close() throws IOException {
    for (FeederSource s : all()) {
      s.close();
    }
  }

  /** A VU's feeders: takes rows and counts them. Used by one VU's thread. */
  public final class Vu {
    private final Map<String, FeederSource> feeders;
    private final Class<?> scriptClass;
    private final String script;
    private final int vuIndex;
    private final Recording recording;
    private final Map<String, SplittableRandom> randoms = new HashMap<>();

    Vu(Map<String, FeederSource> feeders, Class<?> scriptClass, String script, int vuIndex, Recording recording) {
      this.feeders = feeders;
      this.scriptClass = scriptClass;
      this.script = script;
      this.vuIndex = vuIndex;
      this.recording = recording;
    }

    /**
     * The next row of a feeder.
     *
     * @param name the feeder's name
     * @return the row
     * @throws IllegalArgumentException when the script declares no such feeder
     * @throws FeederExhaustedException when a unique feeder's share is used up
     */
    public Map<String, String> feed(String name) {
      FeederSource source = feeders.get(name);
      if (source == null) {
        throw new IllegalArgumentException("feed(\"" + name + "\"): " + scriptClass.getName() + " declares no feeder \"" + name + "\""
            + (feeders.isEmpty() ? "; declare one with @Feeder(name = \"" + name + "\", file = \"...\") on the class"
                : "; its feeders: " + feeders.keySet()));
      }
      MetricRecorder counted = recording.feeder(script, name);
      Map<String, String> row;
      if (source.declaration().strategy() == Feeder.Strategy.RANDOM) {
        row = source.nextRandom(randoms.computeIfAbsent(name, n -> new SplittableRandom(seed(source.declaration()))));
      } else {
        row = source.nextSequential();
      }
      if (row == null) {
        Feeder.WhenExhausted what = source.declaration().whenExhausted();
        counted.recordUncountedFailure("exhausted");
        throw new FeederExhaustedException(name, what, "feeder \"" + name + "\" has no row left on this agent (its share: "
            + source.shareRows() + " of " + source.rows() + " rows); whenExhausted = " + what);
      }
      counted.add(1);
      return row;
    }

    private long seed(Feeder f) {
      long base = f.seed() != 0 ? f.seed() : runId.hashCode();
      long h = base * 0x9E3779B97F4A7C15L;
      h = (h ^ region.hashCode()) * 0xBF58476D1CE4E5B9L;
      h = (h ^ agentIndex) * 0x94D049BB133111EBL;
      h = (h ^ vuIndex) * 0x9E3779B97F4A7C15L;
      return h ^ f.name().hashCode();
    }
  }
}
