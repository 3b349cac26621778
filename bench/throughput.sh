#!/usr/bin/env bash
# Requests per second of one agent (both engines) beside wrk -c50 -t2 and Gatling, over http and
# over https (a self-signed certificate made here), against a loopback nginx this script starts
# and stops. Only 127.0.0.1 is touched; every step is bounded.
#
#   bench/throughput.sh [seconds per run, default 40] [rounds, default 3]
#
# Env: JAVA25 (default /usr/lib/jvm/temurin-25-jdk-amd64), VUS (default 50), WARMUP (seconds left
# out of the steady rate, default 15), SCHEMES (default "http https"), ENGINES (agent engines,
# default "socket jdk"), AGENT_JVM_ARGS (extra JVM options for the agent, e.g.
# -Djdk.virtualThreadScheduler.parallelism=2 to override its carrier threads), SKIP_BUILD=1 to
# reuse bench/target and bench/gatling/target,
# GATLING_REPO=<dir> for a separate Maven local repository for the Gatling project (e.g. an empty
# one, to check that a fresh machine works).
# Needs: apt-get install -y nginx wrk openssl; Maven; network access to Maven Central for the first
# build (the Gatling project and its plugin are fetched online once, then every timed run is offline).
set -euo pipefail

SECONDS_PER_RUN=${1:-40}
ROUNDS=${2:-3}
VUS=${VUS:-50}
WARMUP=${WARMUP:-15}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}
SCHEMES=${SCHEMES:-http https}
ENGINES=${ENGINES:-socket jdk}
GATLING_MVN=(mvn -B)
if [[ -n "${GATLING_REPO:-}" ]]; then GATLING_MVN+=("-Dmaven.repo.local=$GATLING_REPO"); fi
source "$(dirname "$0")/lib/common.sh"
bench_init constellation-bench
require_tools "apt-get install -y nginx wrk maven python3 openssl curl" nginx wrk mvn python3 openssl curl
require_java "a Java 25 JDK"
build_bench

PORT=$(free_port)
TLSPORT=$(free_port)
URL="http://127.0.0.1:$PORT"
TLSURL="https://127.0.0.1:$TLSPORT"
mkdir -p "$WORK/nginx"
# a self-signed P-256 certificate for 127.0.0.1; the agent trusts it as its truststore (PEM),
# wrk does not check certificates and Gatling trusts any by default
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/nginx/key.pem" -out "$WORK/nginx/cert.pem" 2>/dev/null
sed -e "s#@DIR@#$WORK/nginx#g" -e "s#@PORT@#$PORT#g" -e "s#@TLSPORT@#$TLSPORT#g" "$ROOT/bench/nginx.conf.template" > "$WORK/nginx/nginx.conf"
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
await_nginx "$URL"
await_nginx "$TLSURL" --cacert "$WORK/nginx/cert.pem"

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  # The timed Gatling runs are offline (-o: no repository check inside a measurement), so fetch
  # everything they use first: compile the simulation and run it once, online, for 1 s with 1 user
  # (resolves the Gatling plugin and whatever it loads when it runs, which test-compile never does).
  echo "building the Gatling project and fetching its plugin (one 1-second online run) ..."
  (cd "$ROOT/bench/gatling" && JAVA_HOME="$JAVA25" timeout 900 "${GATLING_MVN[@]}" test-compile gatling:test \
    -Dbench.baseUrl="$URL" -Dbench.users=1 -Dbench.seconds=1 > "$WORK/gatling.fetch.log" 2>&1) \
    || { echo "the Gatling project did not build or run; see $WORK/gatling.fetch.log" >&2; tail -30 "$WORK/gatling.fetch.log" >&2; exit 1; }
fi

echo "targets $URL and $TLSURL (nginx pid $NGINX_PID), $VUS connections/VUs, ${SECONDS_PER_RUN}s per run, $ROUNDS rounds, warm-up ${WARMUP}s"
echo "machine: $(nproc) cores, $(uname -r); load before start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA25/bin/java" -version 2>&1 | head -1

# CPU microseconds per request (user + system of the load generator's process, start-up included).
cpu_per_request() {
  awk -v cpu="$1" -v n="$2" 'BEGIN {printf "cpu_s=%s cpu_us_per_request=%.1f", cpu, (n > 0 ? cpu * 1e6 / n : 0)}'
}

load1() { cut -d' ' -f1 /proc/loadavg; }

# run_wrk <label> <url>
run_wrk() {
  local cpu total load
  load=$(load1)
  cpu=$(python3 "$ROOT/bench/lib/cpu.py" "$WORK/$1.log" timeout $((SECONDS_PER_RUN + 30)) \
    wrk -c"$VUS" -t2 -d"${SECONDS_PER_RUN}s" "$2/")
  total=$(awk '/ requests in / {print $1}' "$WORK/$1.log")
  awk '/Requests\/sec/ {printf "total='"$total"' steady_rps=%.0f ", $2}' "$WORK/$1.log"
  echo "$(cpu_per_request "$cpu" "$total") load_at_start=$load"
}

# run_agent <label> <engine> <url>
run_agent() {
  local label=$1 engine=$2 url=$3
  local cpu line load
  load=$(load1)
  rm -rf "$WORK/$label"
  # --samples: the process's CPU at every whole second, for the CPU per request of the steady seconds
  cpu=$(python3 "$ROOT/bench/lib/cpu.py" "$WORK/$label.log" --samples "$WORK/$label.cpu" timeout $((SECONDS_PER_RUN + 60)) \
    "$JAVA25/bin/java" ${AGENT_JVM_ARGS:-} -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*" \
    dev.constellation.agent.AgentMain --runId bench --vus "$VUS" --duration "${SECONDS_PER_RUN}s" --gracefulStop 5s \
    --baseUrl "$url" --truststore "$WORK/nginx/cert.pem" --scripts dev.constellation.bench.GetLoop \
    --resultsDir "$WORK/$label" --engine "$engine")
  line=$(python3 "$ROOT/bench/lib/agent_rate.py" "$WORK/$label" "$WARMUP" "$WORK/$label.cpu")
  echo "$line $(cpu_per_request "$cpu" "$(sed -n 's/^total=\([0-9]*\).*/\1/p' <<< "$line")") load_at_start=$load"
}

# run_gatling <label> <url>
run_gatling() {
  local load
  load=$(load1)
  (cd "$ROOT/bench/gatling" && JAVA_HOME="$JAVA25" timeout $((SECONDS_PER_RUN + 180)) "${GATLING_MVN[@]}" -o gatling:test \
    -Dbench.baseUrl="$2" -Dbench.users="$VUS" -Dbench.seconds="$SECONDS_PER_RUN" > "$WORK/$1.log" 2>&1)
  echo "$(python3 "$ROOT/bench/lib/gatling_rate.py" "$WORK/$1.log" "$WARMUP") load_at_start=$load"
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
  echo "round $round (load $(cut -d' ' -f1-3 /proc/loadavg))"
  for scheme in $SCHEMES; do
    if [[ "$scheme" == https ]]; then sfx=-https; target=$TLSURL; else sfx=""; target=$URL; fi
    best "wrk$sfx" "$(run_wrk "wrk$sfx.$round" "$target")"
    best "gatling$sfx" "$(run_gatling "gatling$sfx.$round" "$target")"
    for engine in $ENGINES; do
      best "agent-$engine$sfx" "$(run_agent "agent-$engine$sfx.$round" "$engine" "$target")"
    done
    echo "  this round, $scheme: agent(socket)/gatling $(ratio "${ROUND[agent-socket$sfx]:-0}" "${ROUND[gatling$sfx]}")x," \
      "agent(socket)/wrk $(ratio "${ROUND[agent-socket$sfx]:-0}" "${ROUND[wrk$sfx]}")x," \
      "agent(jdk)/gatling $(ratio "${ROUND[agent-jdk$sfx]:-0}" "${ROUND[gatling$sfx]}")x"
  done
done

echo
echo "steady req/s per run (min..max over $ROUNDS rounds):"
for key in $(awk '{print $1}' "$WORK/all.txt" | awk '!seen[$0]++'); do
  awk -v k="$key" '$1 == k {v[n++] = $2} END {min = v[0]; max = v[0]; for (i in v) {if (v[i] < min) min = v[i]; if (v[i] > max) max = v[i]}; printf "  %-19s %6d .. %6d\n", k, min, max}' "$WORK/all.txt"
done
echo "ratios of the best steady runs:"
for scheme in $SCHEMES; do
  if [[ "$scheme" == https ]]; then sfx=-https; else sfx=""; fi
  for engine in $ENGINES; do
    printf "  %-5s agent(%s) / gatling = %sx   agent(%s) / wrk = %sx\n" "$scheme" "$engine" \
      "$(ratio "${BEST[agent-$engine$sfx]:-0}" "${BEST[gatling$sfx]:-0}")" "$engine" "$(ratio "${BEST[agent-$engine$sfx]:-0}" "${BEST[wrk$sfx]:-0}")"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (above ~2 the box was shared: re-run on a quiet box before quoting)"
echo "logs and records: $WORK"
