#!/usr/bin/env bash
# Times building the full report of a big run: 1 h x 10 regions x 20 request names at 1 s
# intervals (720,000 interval records) read from a local results store, merged and written as
# summary.json, index.html, requests.csv and junit.xml, in a JVM limited to -Xmx1g.
# Usage: bench/report-build.sh [hours=1] [regions=10] [names=20]   (BENCH_JAVA_OPTS overrides the GC flags)
set -euo pipefail
cd "$(dirname "$0")/.."
out=constellation-maven-plugin/target/bench-report
mvn -B -q test-compile dependency:build-classpath -pl constellation-maven-plugin -am \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="constellation-maven-plugin/target/test-classes:constellation-maven-plugin/target/classes"
cp="$cp:constellation-agent/target/classes:$(cat constellation-maven-plugin/target/bench.classpath)"
exec java -Xmx1g ${BENCH_JAVA_OPTS:--XX:+UseG1GC} -cp "$cp" dev.constellation.maven.report.ReportBuildBench "$out" "${1:-1}" "${2:-10}" "${3:-20}"
