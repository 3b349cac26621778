package dev.constellation.maven.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the plugin knows about a run besides its records: when it started, for how long, against
 * what, and how many agents and virtual users each region had. Stored as {@code run.json} beside
 * the records so a report can be rebuilt later.
 *
 * <p>{@code constellation:run} writes the file twice: when the run starts (status
 * {@code running}, the planned duration) and when it ends (status {@code completed} or
 * {@code interrupted}, the actual duration: shorter than planned when the load ended early). A file still saying {@code running} belongs to a run
 * whose plugin died before it could finish; a report of it is marked interrupted too.
 *
 * @param runId the run
 * @param startedAt when the run started
 * @param durationMs the duration the figures cover, ms: the planned load duration of a completed
 *     run, or, when every agent's load ended early (a unique feeder ran out with {@code END_RUN}, every
 *     VU stopped by {@code STOP_VU}), the longest load an agent reported; the time from the first to
 *     the last record of an interrupted one
 * @param target the base URL under test
 * @param regions facts per region, by region name
 * @param plannedDurationMs the load duration the plan asked for, ms
 * @param status whether the run is still running, completed or was interrupted
 * @since 0.1.0
 */
public record RunFacts(String runId, Instant startedAt, long durationMs, String target, Map<String, RegionFacts> regions,
    long plannedDurationMs, Status status) {

  /** How a run ended, as stored in {@code run.json} under {@code "status"}. */
  public enum Status {
    /** The run started and has not ended yet, or its plugin died before writing the end. */
    RUNNING,
    /** The run ran its planned course. */
    COMPLETED,
    /** The run was stopped early (Ctrl-C or a kill of the build); its figures cover a partial run. */
    INTERRUPTED;

    /** The name in {@code run.json} and {@code summary.json}. */
    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The region extra that marks a run with {@code insecure=true} TLS (every certificate trusted, no
   * host name checked); reports show it as a warning.
   */
  public static final String INSECURE_TLS = "insecureTls";

  /** Whether any region ran with insecure TLS. */
  public boolean insecureTls() {
    return regions.values().stream().anyMatch(r -> Boolean.TRUE.equals(r.extra().get(INSECURE_TLS)));
  }

  /** The file name facts are stored under in a run directory. */
  public static final String FILE_NAME = "run.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public RunFacts {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(startedAt, "startedAt");
    target = target == null ? "" : target;
    regions = Collections.unmodifiableMap(new TreeMap<>(regions));
    status = status == null ? Status.COMPLETED : status;
  }

  /** Facts of a completed run whose planned duration is the duration the figures cover. */
  public RunFacts(String runId, Instant startedAt, long durationMs, String target, Map<String, RegionFacts> regions) {
    this(runId, startedAt, durationMs, target, regions, durationMs, Status.COMPLETED);
  }

  /** Whether the figures cover only part of the planned run: interrupted, or never finished. */
  public boolean interrupted() {
    return status != Status.COMPLETED;
  }

  /**
   * The same facts at the end of the run.
   *
   * @param newStatus how it ended
   * @param actualDurationMs the duration the figures cover, ms
   * @param newRegions the regions' facts as the agents reported them
   * @return the new facts
   */
  public RunFacts ended(Status newStatus, long actualDurationMs, Map<String, RegionFacts> newRegions) {
    return new RunFacts(runId, startedAt, actualDurationMs, target, newRegions, plannedDurationMs, newStatus);
  }

  /**
   * Facts of one region.
   *
   * @param agents agents (tasks) that ran in the region
   * @param vus virtual users of the region, all agents together
   * @param extra further facts shown and stored as they are (e.g. {@code startSkewMs}); values
   *     are strings, numbers, booleans, or lists and maps of them
   * @since 0.1.0
   */
  public record RegionFacts(int agents, int vus, Map<String, Object> extra) {
    public RegionFacts {
      extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra == null ? Map.of() : extra));
    }

    /** Facts without extras. */
    public static RegionFacts of(int agents, int vus) {
      return new RegionFacts(agents, vus, Map.of());
    }
  }

  /** Total virtual users over all regions. */
  public int totalVus() {
    return regions.values().stream().mapToInt(RegionFacts::vus).sum();
  }

  /** Total agents over all regions. */
  public int totalAgents() {
    return regions.values().stream().mapToInt(RegionFacts::agents).sum();
  }

  /**
   * Writes these facts as JSON.
   *
   * @param path a file whose name ends in {@code .json}, or else the run directory to write
   *     {@value #FILE_NAME} into (created when missing)
   * @return the file written
   * @throws IOException when it cannot be written
   */
  public Path write(Path path) throws IOException {
    Path file = fileOf(path);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    JSON.writeValue(file.toFile(), toJson());
    return file;
  }

  ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("runId", runId);
    o.put("startedAt", startedAt.toString());
    o.put("durationMs", durationMs);
    o.put("target", target);
    o.put("plannedDurationMs", plannedDurationMs);
    o.put("status", status.json());
    ObjectNode rs = o.putObject("regions");
    regions.forEach((name, f) -> {
      ObjectNode r = rs.putObject(name);
      r.put("agents", f.agents());
      r.put("vus", f.vus());
      r.set("extra", JSON.valueToTree(f.extra()));
    });
    return o;
  }

  /**
   * Reads facts written by {@link #write(Path)}.
   *
   * @param path a file whose name ends in {@code .json}, or else the run directory holding
   *     {@value #FILE_NAME}
   * @return the facts
   * @throws IOException when the file is missing, unreadable or not run facts
   */
  public static RunFacts read(Path path) throws IOException {
    Path file = fileOf(path);
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + " does not exist; it is written by constellation:run next to the records");
    }
    JsonNode o = JSON.readTree(file.toFile());
    try {
      String runId = required(o, "runId", file).asText();
      Instant startedAt = Instant.parse(required(o, "startedAt", file).asText());
      long durationMs = required(o, "durationMs", file).asLong();
      Map<String, RegionFacts> regions = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.path("regions").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode r = e.getValue();
        @SuppressWarnings("unchecked")
        Map<String, Object> extra = r.has("extra") ? JSON.convertValue(r.get("extra"), LinkedHashMap.class) : Map.of();
        regions.put(e.getKey(), new RegionFacts(r.path("agents").asInt(), r.path("vus").asInt(), extra));
      }
      long planned = o.path("plannedDurationMs").asLong(durationMs);
      String statusText = o.path("status").asText(Status.COMPLETED.json());
      Status status;
      try {
        status = Status.valueOf(statusText.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": status is \"" + statusText + "\"; expected running, completed or interrupted", e);
      }
      return new RunFacts(runId, startedAt, durationMs, o.path("target").asText(""), regions, planned, status);
    } catch (DateTimeParseException e) {
      throw new IOException(file + ": startedAt is not an ISO-8601 instant: " + e.getParsedString(), e);
    }
  }

  private static Path fileOf(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().endsWith(".json") && !Files.isDirectory(path) ? path : path.resolve(FILE_NAME);
  }

  private static JsonNode required(JsonNode o, String field, Path file) throws IOException {
    JsonNode v = o == null ? null : o.get(field);
    if (v == null || v.isNull()) {
      throw new IOException(file + " lacks the field \"" + field + "\"; is it a run.json written by constellation:run?");
    }
    return v;
  }
}
