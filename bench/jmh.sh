#!/usr/bin/env bash
# Recording cost per request with JMH 1.37 on Java 25 (about 2 minutes). Extra arguments go to JMH,
# e.g. bench/jmh.sh -f 2 or bench/jmh.sh instrumentedGet.
#
# Env: JAVA25 (default /usr/lib/jvm/temurin-25-jdk-amd64), SKIP_BUILD=1 to reuse bench/target.
set -euo pipefail
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  (cd "$ROOT" && timeout 600 mvn -B -q -Pbench -pl bench -am package -DskipTests)
fi
timeout 900 "$JAVA25/bin/java" -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*" org.openjdk.jmh.Main \
  -jvm "$JAVA25/bin/java" "${@:-RecordingBenchmarks}"
