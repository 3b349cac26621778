package dev.constellation.maven.report;

import java.nio.file.Path;

/**
 * The files a report consists of.
 *
 * @param summaryJson {@code summary.json}, the machine-readable contract
 * @param indexHtml {@code index.html}, the self-contained page
 * @param requestsCsv {@code requests.csv}, one row per request name
 * @param junitXml {@code junit.xml}, thresholds as test cases
 * @since 0.1.0
 */
public record ReportFiles(Path summaryJson, Path indexHtml, Path requestsCsv, Path junitXml) {}
