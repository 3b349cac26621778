package dev.constellation.maven.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and checks the VUs per region as the pom, a property or the seed file gives them. */
public final class RegionVus {

  private RegionVus() {}

  /**
   * The regions of a run.
   *
   * @param pom {@code <remoteRegions>} from the pom (element name to VUs), may be null
   * @param property {@code -Dconstellation.remoteRegions=us-east-1:10,eu-west-1:5}, may be null or empty
   * @param seed regions from the seed's JSON file, may be null (wins over both)
   * @return region to VUs, in the order given; empty when none was given
   * @throws IllegalArgumentException naming each bad entry, its value and the fix
   */
  public static Map<String, Integer> resolve(Map<String, String> pom, String property, Map<String, Integer> seed) {
    Map<String, Integer> out = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    if (seed != null) {
      seed.forEach((region, vus) -> add(out, region, Integer.toString(vus), "REMOTE_REGIONS." + region + " in -Dconstellation.config", problems));
    } else if (property != null && !property.isBlank()) {
      for (String item : property.split(",")) {
        String[] kv = item.trim().split("[:=]", 2);
        if (kv.length != 2) {
          problems.add("-Dconstellation.remoteRegions item \"" + item.trim() + "\" is not region:VUs; write e.g. us-east-1:10,eu-west-1:5");
          continue;
        }
        add(out, kv[0].trim(), kv[1].trim(), "-Dconstellation.remoteRegions " + kv[0].trim(), problems);
      }
    } else if (pom != null) {
      pom.forEach((region, vus) -> add(out, region, vus, "<remoteRegions><" + region + ">", problems));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return out;
  }

  private static void add(Map<String, Integer> out, String region, String vus, String where, List<String> problems) {
    if (!AwsRegions.isKnown(region)) {
      problems.add(where + " names \"" + region + "\", which is not an AWS region; known regions: " + AwsRegions.list());
      return;
    }
    int n;
    try {
      n = Integer.parseInt(vus == null ? "" : vus.trim());
    } catch (NumberFormatException e) {
      problems.add(where + " is \"" + vus + "\"; give the number of VUs for that region, 1 or more");
      return;
    }
    if (n < 1) {
      problems.add(where + " is " + n + "; give 1 or more VUs, or leave the region out");
      return;
    }
    out.put(region, n);
  }
}
