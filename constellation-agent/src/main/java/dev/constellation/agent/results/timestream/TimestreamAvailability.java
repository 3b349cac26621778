package dev.constellation.agent.results.timestream;

import dev.constellation.agent.results.ResultsStores;
import java.net.UnknownHostException;
import java.util.Locale;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.AccessDeniedException;
import software.amazon.awssdk.services.timestreamwrite.model.TimestreamWriteException;

/** The real Timestream check behind {@code <resultsStore>auto}: one ListDatabases call. */
public final class TimestreamAvailability implements ResultsStores.TimestreamCheck {

  private final TimestreamWriteClient client;
  private final String region;

  /**
   * A check over a client the caller configured (and closes).
   *
   * @param client the write client of the home region
   * @param region the home region, for messages
   */
  public TimestreamAvailability(TimestreamWriteClient client, String region) {
    this.client = client;
    this.region = region;
  }

  /**
   * Checks real AWS with default credentials.
   *
   * @param homeRegion the home region
   * @return the answer
   */
  public static ResultsStores.Availability checkAws(String homeRegion) {
    try (TimestreamWriteClient c = TimestreamWriteClient.builder()
        .region(Region.of(homeRegion)).httpClient(UrlConnectionHttpClient.create()).build()) {
      return new TimestreamAvailability(c, homeRegion).check();
    }
  }

  @Override
  public ResultsStores.Availability check() {
    try {
      client.listDatabases(b -> b.maxResults(1));
      return new ResultsStores.Availability(true, "Timestream for LiveAnalytics answers in " + region);
    } catch (AccessDeniedException e) {
      String m = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      String lower = m == null ? "" : m.toLowerCase(Locale.ROOT);
      if (lower.contains("not authorized") || lower.contains("no identity-based policy")) {
        return new ResultsStores.Availability(false, "these credentials may not use Timestream in " + region
            + " (" + m + ")");
      }
      return new ResultsStores.Availability(false, "Timestream for LiveAnalytics is not available to this account in "
          + region + " (it closed to new customers on 2025-06-20): " + m);
    } catch (TimestreamWriteException e) {
      return new ResultsStores.Availability(false, "Timestream in " + region + " answered "
          + (e.awsErrorDetails() == null ? e.statusCode() : e.awsErrorDetails().errorCode()) + ": " + e.getMessage());
    } catch (SdkClientException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof UnknownHostException) {
          return new ResultsStores.Availability(false, "Timestream for LiveAnalytics is not offered in " + region
              + " (its endpoint does not resolve)");
        }
      }
      return new ResultsStores.Availability(false, "could not reach Timestream in " + region + ": " + e.getMessage());
    } catch (RuntimeException e) {
      return new ResultsStores.Availability(false, "could not check Timestream in " + region + ": " + e);
    }
  }
}
