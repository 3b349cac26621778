package dev.constellation.maven.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The original tool's JSON configuration, accepted as is:
 * {@code {"DURATION": 20000, "HOME_REGION": "eu-central-1", "REMOTE_REGIONS": {"us-east-2": 20}}}
 * (DURATION in milliseconds).
 *
 * @param duration the test duration
 * @param homeRegion the home region
 * @param remoteRegions VUs per remote region, in file order
 */
public record SeedConfig(Duration duration, String homeRegion, Map<String, Integer> remoteRegions) {

  private static final Set<String> KEYS = Set.of("DURATION", "HOME_REGION", "REMOTE_REGIONS");

  /**
   * Reads and checks a file.
   *
   * @param file the JSON file
   * @return the configuration
   * @throws IllegalArgumentException naming the file, the key, the value and the fix
   */
  public static SeedConfig read(Path file) {
    String where = "-Dconstellation.config=" + file;
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(where + ": the file does not exist; give the path of a JSON file like "
          + "{\"DURATION\": 20000, \"HOME_REGION\": \"eu-central-1\", \"REMOTE_REGIONS\": {\"us-east-2\": 20}}");
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + ": malformed JSON at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + " (" + e.getOriginalMessage() + "); fix the file's syntax");
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": the file cannot be read (" + e.getMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(where + ": the file must hold one JSON object with DURATION, HOME_REGION and REMOTE_REGIONS");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(where + ": unknown key \"" + key + "\"; the keys are DURATION (ms), HOME_REGION and REMOTE_REGIONS");
      }
    }
    JsonNode d = root.get("DURATION");
    if (d == null || !d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() <= 0) {
      throw new IllegalArgumentException(where + ": DURATION is " + (d == null ? "missing" : d.toString())
          + "; give the test duration in milliseconds as a positive whole number, e.g. \"DURATION\": 20000");
    }
    JsonNode home = root.get("HOME_REGION");
    if (home == null || !home.isTextual() || !AwsRegions.isKnown(home.asText())) {
      throw new IllegalArgumentException(where + ": HOME_REGION is " + (home == null ? "missing" : home.toString())
          + "; give an AWS region name, one of: " + AwsRegions.list());
    }
    JsonNode remote = root.get("REMOTE_REGIONS");
    if (remote == null || !remote.isObject() || remote.isEmpty()) {
      throw new IllegalArgumentException(where + ": REMOTE_REGIONS is " + (remote == null ? "missing" : remote.toString())
          + "; give an object of region names to VUs, e.g. \"REMOTE_REGIONS\": {\"us-east-2\": 20}");
    }
    Map<String, Integer> regions = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = remote.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (!v.isIntegralNumber() || v.asLong() <= 0 || v.asLong() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(where + ": REMOTE_REGIONS." + e.getKey() + " is " + v + "; give the number of VUs, 1 or more");
      }
      regions.put(e.getKey(), v.asInt());
    }
    return new SeedConfig(Duration.ofMillis(d.asLong()), home.asText(), regions);
  }
}
