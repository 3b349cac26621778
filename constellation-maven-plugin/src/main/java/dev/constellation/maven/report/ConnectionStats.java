package dev.constellation.maven.report;

import dev.constellation.agent.results.IntervalRecord;
import org.HdrHistogram.Histogram;

/**
 * The new connections of a request name (or of all requests), merged over every agent, region and
 * interval whose records measured them: how many TCP connections the requests opened, how many
 * TLS handshakes completed and resumed a session, and the TCP connect and TLS handshake times
 * from merged HdrHistograms (never averaged). These times are part of the requests' latency, not
 * subtracted from it. Only the socket engine measures them; the jdk engine's records carry none,
 * and then there is no {@code ConnectionStats} at all (not measured, as opposed to zero new
 * connections). Immutable.
 *
 * @since 0.3.0
 */
public final class ConnectionStats {

  private final long opened;
  private final long tlsResumed;
  private final Histogram connect;
  private final Histogram tls;

  ConnectionStats(long opened, long tlsResumed, Histogram connect, Histogram tls) {
    this.opened = opened;
    this.tlsResumed = tlsResumed;
    this.connect = connect.copy();
    this.tls = tls.copy();
  }

  /** TCP connections the requests opened (requests on a reused pooled connection open none). */
  public long newConnections() {
    return opened;
  }

  /** TLS handshakes that completed (full and resumed); 0 over plain http. */
  public long tlsHandshakes() {
    return tls.getTotalCount();
  }

  /** TLS handshakes that resumed an earlier session (abbreviated handshakes). */
  public long tlsResumed() {
    return tlsResumed;
  }

  /**
   * A percentile of the TCP connect times.
   *
   * @param percentile 0 to 100
   * @return ms; 0 when no connection was opened
   */
  public double connectMs(double percentile) {
    return Stats.microsToMs(connect.getTotalCount() == 0 ? 0 : connect.getValueAtPercentile(percentile));
  }

  /** The longest TCP connect, ms; 0 when none. */
  public double connectMaxMs() {
    return Stats.microsToMs(connect.getTotalCount() == 0 ? 0 : connect.getMaxValue());
  }

  /**
   * A percentile of the TLS handshake times.
   *
   * @param percentile 0 to 100
   * @return ms; 0 when no handshake completed
   */
  public double tlsHandshakeMs(double percentile) {
    return Stats.microsToMs(tls.getTotalCount() == 0 ? 0 : tls.getValueAtPercentile(percentile));
  }

  /** The longest TLS handshake, ms; 0 when none. */
  public double tlsHandshakeMaxMs() {
    return Stats.microsToMs(tls.getTotalCount() == 0 ? 0 : tls.getMaxValue());
  }

  /** A copy of the merged connect-time histogram, µs. */
  public Histogram connectHistogram() {
    return connect.copy();
  }

  /** A copy of the merged TLS handshake-time histogram, µs. */
  public Histogram tlsHistogram() {
    return tls.copy();
  }

  @Override
  public String toString() {
    return "ConnectionStats[new=" + opened + ", tls=" + tlsHandshakes() + " (" + tlsResumed + " resumed), connect p95="
        + connectMs(95) + " ms, tls p95=" + tlsHandshakeMs(95) + " ms]";
  }

  /** Running sum of the connection fields of records. */
  static final class Accumulator {
    final Histogram connect = new Histogram(IntervalRecord.SIGNIFICANT_DIGITS);
    final Histogram tls = new Histogram(IntervalRecord.SIGNIFICANT_DIGITS);
    long opened;
    long tlsResumed;

    Accumulator() {
      connect.setAutoResize(true);
      tls.setAutoResize(true);
    }

    void add(IntervalRecord.Connections c, HistogramAdder adder) {
      opened += c.opened();
      tlsResumed += c.tlsResumed();
      if (c.connectHistogram() != null) {
        adder.addTo(c.connectHistogram(), connect);
      }
      if (c.tlsHistogram() != null) {
        adder.addTo(c.tlsHistogram(), tls);
      }
    }

    void add(Accumulator other) {
      opened += other.opened;
      tlsResumed += other.tlsResumed;
      connect.add(other.connect);
      tls.add(other.tls);
    }

    ConnectionStats toStats() {
      return new ConnectionStats(opened, tlsResumed, connect, tls);
    }
  }
}
