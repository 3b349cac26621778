#!/usr/bin/env bash
# Requests per second of one agent (both engines) beside wrk -c50 -t2 and Gatling, against a
# loopback nginx this script starts and stops. Only 127.0.0.1 is touched; every step is bounded.
#
#   bench/throughput.sh [seconds per run, default 40] [rounds, default 3]
#
# Env: JAVA25 (default /usr/lib/jvm/temurin-25-jdk-amd64), VUS (default 50), WARMUP (seconds left
# out of the steady rate, default 15), SKIP_BUILD=1 to reuse bench/target and bench/gatling/target.
# Needs: apt-get install -y nginx wrk; Maven; network access to Maven Central for the first build.
set -euo pipefail

SECONDS_PER_RUN=${1:-40}
ROUNDS=${2:-3}
VUS=${VUS:-50}
WARMUP=${WARMUP:-15}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/constellation-bench.XXXXXX)
NGINX_PID=""

cleanup() {
  if [[ -n "$NGINX_PID" ]] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill "$NGINX_PID"
    wait "$NGINX_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

for tool in nginx wrk mvn python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool; run: apt-get install -y nginx wrk maven python3" >&2; exit 2; }
done
[[ -x "$JAVA25/bin/java" ]] || { echo "no Java at $JAVA25; set JAVA25 to a Java 25 JDK" >&2; exit 2; }

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  echo "building bench (agent + scripts) and the Gatling project ..."
  (cd "$ROOT" && timeout 600 mvn -B -q -Pbench -pl bench -am package -DskipTests)
  (cd "$ROOT/bench/gatling" && JAVA_HOME="$JAVA25" timeout 600 mvn -B -q test-compile)
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
URL="http://127.0.0.1:$PORT"
mkdir -p "$WORK/nginx"
sed -e "s#@DIR@#$WORK/nginx#g" -e "s#@PORT@#$PORT#g" "$ROOT/bench/nginx.conf.template" > "$WORK/nginx/nginx.conf"
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
for _ in $(seq 50); do
  curl -fs "$URL/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "$URL/" >/dev/null || { echo "nginx did not answer on $URL; see $WORK/nginx/error.log" >&2; exit 1; }

echo "target $URL (nginx pid $NGINX_PID), $VUS connections/VUs, ${SECONDS_PER_RUN}s per run, $ROUNDS rounds, warm-up ${WARMUP}s"
echo "machine: $(nproc) cores, $(uname -r); load before start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA25/bin/java" -version 2>&1 | head -1

# CPU microseconds per request (user + system of the load generator's process, start-up included).
cpu_per_request() {
  awk -v cpu="$1" -v n="$2" 'BEGIN {printf "cpu_s=%s cpu_us_per_request=%.1f", cpu, (n > 0 ? cpu * 1e6 / n : 0)}'
}

run_wrk() {
  local cpu total
  cpu=$(python3 "$ROOT/bench/lib/cpu.py" "$WORK/wrk.$1.log" timeout $((SECONDS_PER_RUN + 30)) \
    wrk -c"$VUS" -t2 -d"${SECONDS_PER_RUN}s" "$URL/")
  total=$(awk '/ requests in / {print $1}' "$WORK/wrk.$1.log")
  awk '/Requests\/sec/ {printf "total='"$total"' steady_rps=%.0f ", $2}' "$WORK/wrk.$1.log"
  cpu_per_request "$cpu" "$total"
  echo
}

run_agent() {
  local engine=$1 round=$2
  local cpu line
  rm -rf "$WORK/agent-$engine-$round"
  cpu=$(python3 "$ROOT/bench/lib/cpu.py" "$WORK/agent-$engine-$round.log" timeout $((SECONDS_PER_RUN + 60)) \
    "$JAVA25/bin/java" -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*" \
    dev.constellation.agent.AgentMain --runId bench --vus "$VUS" --duration "${SECONDS_PER_RUN}s" --gracefulStop 5s \
    --baseUrl "$URL" --scripts dev.constellation.bench.GetLoop --resultsDir "$WORK/agent-$engine-$round" --engine "$engine")
  line=$(python3 "$ROOT/bench/lib/agent_rate.py" "$WORK/agent-$engine-$round" "$WARMUP")
  echo "$line $(cpu_per_request "$cpu" "$(sed -n 's/^total=\([0-9]*\).*/\1/p' <<< "$line")")"
}

run_gatling() {
  (cd "$ROOT/bench/gatling" && JAVA_HOME="$JAVA25" timeout $((SECONDS_PER_RUN + 180)) mvn -B -o gatling:test \
    -Dbench.baseUrl="$URL" -Dbench.users="$VUS" -Dbench.seconds="$SECONDS_PER_RUN" > "$WORK/gatling.$1.log" 2>&1)
  python3 "$ROOT/bench/lib/gatling_rate.py" "$WORK/gatling.$1.log" "$WARMUP"
}

declare -A BEST
declare -A ROUND
best() {
  local key=$1 line=$2 rps
  rps=$(sed -n 's/.*steady_rps=\([0-9]*\).*/\1/p' <<< "$line")
  rps=${rps:-0}
  echo "  $key: $line"
  echo "$key $rps" >> "$WORK/all.txt"
  ROUND[$key]=$rps
  if [[ -z "${BEST[$key]:-}" || "$rps" -gt "${BEST[$key]}" ]]; then BEST[$key]=$rps; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }

for round in $(seq "$ROUNDS"); do
  echo "round $round (load $(cut -d' ' -f1 /proc/loadavg))"
  best wrk "$(run_wrk "$round")"
  best gatling "$(run_gatling "$round")"
  best agent-socket "$(run_agent socket "$round")"
  best agent-jdk "$(run_agent jdk "$round")"
  echo "  this round: agent(socket)/gatling $(ratio "${ROUND[agent-socket]}" "${ROUND[gatling]}")x," \
    "agent(socket)/wrk $(ratio "${ROUND[agent-socket]}" "${ROUND[wrk]}")x, agent(jdk)/gatling $(ratio "${ROUND[agent-jdk]}" "${ROUND[gatling]}")x"
done

echo
echo "steady req/s per run (min..max over $ROUNDS rounds), best:"
for key in wrk gatling agent-socket agent-jdk; do
  awk -v k="$key" '$1 == k {v[n++] = $2} END {min = v[0]; max = v[0]; for (i in v) {if (v[i] < min) min = v[i]; if (v[i] > max) max = v[i]}; printf "  %-13s %6d .. %6d\n", k, min, max}' "$WORK/all.txt"
done
echo "ratios of the best steady runs:"
echo "  agent(socket) / gatling = $(ratio "${BEST[agent-socket]}" "${BEST[gatling]}")x   agent(socket) / wrk = $(ratio "${BEST[agent-socket]}" "${BEST[wrk]}")x"
echo "  agent(jdk)    / gatling = $(ratio "${BEST[agent-jdk]}" "${BEST[gatling]}")x   agent(jdk)    / wrk = $(ratio "${BEST[agent-jdk]}" "${BEST[wrk]}")x"
echo "logs and records: $WORK"
