#!/usr/bin/env bash
# How many virtual users one agent carries in one ECS Fargate task of the default size (1 vCPU,
# 2 GB), measured on this machine as a stand-in: ONE agent started the way the image starts it
# (Java 21+ so virtual threads, the image's JVM flags) and confined to one core and the heap the
# image would get under 2 GB, against a loopback nginx this script starts and stops. Each step runs
# a realistic script (bench: RequestThink, one GET then a think time of 0.5-1.5 s, mean 1 s) with
# more VUs, for a bounded time. Only 127.0.0.1 is touched; every step is bounded (killed at 90 s past its
# duration).
#
#   bench/vus-per-task.sh [seconds per step, default 45] [VU counts, default "250 500 1000 1500 2000 2500 3000 4000"]
#
# About 7.5 minutes with the defaults (each step: JVM start, 45 s of load, up to 1.5 s to finish),
# plus the build unless SKIP_BUILD=1.
#
# A step keeps up when, in its steady window, the agent reaches at least KEEP (default 0.97) of the
# intended rate of VUs/s, has no generator problem by its self-check's own rules applied to the
# window (never 3 seconds in a row above 90% of its core; think-time wake-ups at most 50 ms late at
# p99) and no request fails. The self-check's verdict over the whole run is shown beside (it also
# counts the first seconds, where the JIT compiler shares the one core). The largest VU count that
# keeps up, with every smaller one too, is the figure; docs/performance.md says which margin the
# vusPerTask default takes from it.
#
# Env: JAVA25 (default /usr/lib/jvm/temurin-25-jdk-amd64), WARMUP (seconds left out of the steady
# window, default 20: the JIT compiler shares the one core for the first 15 s or so), CORE (the
# core the agent is confined to, default 0; nginx gets the others), TASK_MEMORY_MB (default 2048, the plugin's taskMemory default), KEEP (default 0.97), NICE (the
# agent's and nginx's nice value, default -20 as root, else 0: a Fargate task's vCPU is its own,
# so on a shared machine the stand-in should not queue behind every other process),
# SKIP_BUILD=1 to reuse bench/target.
# Needs: apt-get install -y nginx; Maven (offline is enough once the project's dependencies are in
# ~/.m2); python3; util-linux (taskset).
set -euo pipefail

SECONDS_PER_STEP=${1:-45}
STEPS=${2:-250 500 1000 1500 2000 2500 3000 4000}
WARMUP=${WARMUP:-20}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}
CORE=${CORE:-0}
TASK_MEMORY_MB=${TASK_MEMORY_MB:-2048}
KEEP=${KEEP:-0.97}
if [[ $(id -u) == 0 ]]; then NICE=${NICE:--20}; else NICE=${NICE:-0}; fi
source "$(dirname "$0")/lib/common.sh"
bench_init constellation-vpt
require_tools "apt-get install -y nginx maven python3 curl util-linux" nginx mvn python3 curl taskset nice
require_java "a Java 21+ JDK (virtual threads, as in the image)"
(( SECONDS_PER_STEP > WARMUP + 5 )) || { echo "seconds per step ($SECONDS_PER_STEP) must exceed WARMUP ($WARMUP) by more than 5" >&2; exit 2; }
CORES=$(nproc --all)
(( CORE < CORES )) || { echo "CORE=$CORE but this machine has cores 0..$((CORES - 1))" >&2; exit 2; }
OTHER_CORES=$(python3 -c "print(','.join(str(c) for c in range($CORES) if c != $CORE) or '$CORE')")

build_bench
CP="$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
mkdir -p "$WORK/nginx"
sed -e "s#@DIR@#$WORK/nginx#g" -e "s#@PORT@#$PORT#g" "$ROOT/bench/nginx-vpt.conf.template" > "$WORK/nginx/nginx.conf"
# a task on Fargate may hold 65,535 open files (its default nofile limit); so may the agent here, if allowed
ulimit -n 65535 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# nginx on the other cores: on Fargate the target is elsewhere, so it must not take the agent's core
nice -n "$NICE" taskset -c "$OTHER_CORES" nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
await_nginx "$URL"

# The image's entrypoint: java -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -cp ... AgentMain
# (ImageSpec.DEFAULT_JVM_FLAGS). In a Fargate task of 1 vCPU and 2 GB the JVM sees 1 processor and
# 2048 MiB (the container's limits); here taskset + ActiveProcessorCount give the one processor and
# MaxRAM the memory the heap is sized from. The JVM's ergonomics then pick what they pick in the
# task (with 1 processor: the Serial collector), printed below.
JVM_FLAGS=(-XX:ActiveProcessorCount=1 "-XX:MaxRAM=${TASK_MEMORY_MB}m" -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError)
ergonomics=$(taskset -c "$CORE" "$JAVA25/bin/java" "${JVM_FLAGS[@]}" -XX:+PrintFlagsFinal -version 2>/dev/null \
  | awk '$2 == "MaxHeapSize" {heap = $4 / 1048576} $2 == "UseSerialGC" && $4 == "true" {gc = "Serial"} $2 == "UseG1GC" && $4 == "true" {gc = "G1"} $2 == "UseParallelGC" && $4 == "true" {gc = "Parallel"} END {printf "max heap %d MiB, %s GC", heap, gc}')

echo "target $URL (nginx pid $NGINX_PID on cores $OTHER_CORES, nice $NICE); agent on core $CORE, nice $NICE: ${JVM_FLAGS[*]} -> $ergonomics"
echo "script RequestThink (GET / then think 0.5-1.5 s), ${SECONDS_PER_STEP}s per step, steady window after ${WARMUP}s, keeps up at >= $KEEP of VUs/s"
echo "machine: $CORES cores, $(uname -r); load before start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA25/bin/java" -version 2>&1 | head -1

# run_step <vus>: one agent process, bounded; prints its TaskReport line plus CPU, RSS and load
run_step() {
  local vus=$1 dir="$WORK/vus-$1" load stats
  load=$(cut -d' ' -f1 /proc/loadavg)
  rm -rf "$dir" && mkdir -p "$dir"
  if ! stats=$(python3 "$ROOT/bench/lib/rusage.py" "$dir/agent.log" "$dir/cpu.txt" $((SECONDS_PER_STEP + 90)) \
    nice -n "$NICE" taskset -c "$CORE" "$JAVA25/bin/java" "${JVM_FLAGS[@]}" "-Xlog:gc:file=$dir/gc.log" -cp "$CP" \
    dev.constellation.agent.AgentMain --runId vpt --vus "$vus" --duration "${SECONDS_PER_STEP}s" --gracefulStop 5s \
    --baseUrl "$URL" --scripts dev.constellation.bench.RequestThink --resultsDir "$dir/records"); then
    # an agent that died (out of memory: -XX:+ExitOnOutOfMemoryError) or hung did not keep up
    echo "vus=$vus agent_failed=yes log=$dir/agent.log last_line=$(tail -1 "$dir/agent.log" | tr ' ' '_' | cut -c1-120) load_at_start=$load"
    return 0
  fi
  local report warned=no
  report=$("$JAVA25/bin/java" -cp "$CP" dev.constellation.bench.TaskReport "$dir/records" "$vus" "$WARMUP" "$SECONDS_PER_STEP" "$dir/gc.log" "$dir/cpu.txt")
  if grep -q "is held back by the agent's own CPU" "$dir/agent.log"; then warned=yes; fi
  echo "vus=$vus $report $stats selfcheck_warned_agent=$warned load_at_start=$load"
}

: > "$WORK/rows.txt"
for vus in $STEPS; do
  line=$(run_step "$vus")
  echo "$line"
  echo "$line" >> "$WORK/rows.txt"
done

echo
python3 "$ROOT/bench/lib/vpt_table.py" "$WORK/rows.txt" "$KEEP"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $CORES cores (above ~1 other work shared the box: rows can be disturbed)"
echo "logs, GC logs and records: $WORK"
