#!/usr/bin/env bash
# Heap per idle VU on Java 25: N VUs (default 10000) parked in VuContext.pause, used heap after GC
# minus a 0-VU baseline. Sends no traffic (the base URL is never called). Bounded by timeout.
# Then heap per request name: 500 names with latency and service-time histograms (NameHeap).
#
#   bench/heap.sh [vus, default 10000] [rounds, default 3]
#
# Env: JAVA25 (default /usr/lib/jvm/temurin-25-jdk-amd64), SKIP_BUILD=1 to reuse bench/target.
set -euo pipefail
VUS=${1:-10000}
ROUNDS=${2:-3}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  (cd "$ROOT" && timeout 600 mvn -B -q -Pbench -pl bench -am package -DskipTests)
fi
for round in $(seq "$ROUNDS"); do
  echo "round $round:"
  timeout 300 "$JAVA25/bin/java" -Xmx1g -XX:+UseG1GC -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*" \
    dev.constellation.bench.IdleVuHeap "$VUS" 2>&1 | grep -v "^\[" | sed 's/^/  /'
done
echo "request names:"
timeout 300 "$JAVA25/bin/java" -Xmx2g -XX:+UseG1GC -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*" \
  dev.constellation.bench.NameHeap 500 2>&1 | grep -v "^\[" | sed 's/^/  /'
