# What bench/throughput.sh and bench/vus-per-task.sh share before they measure; sourced, not run.
#
#   source "$(dirname "$0")/lib/common.sh"
#   bench_init <work-folder prefix>       # ROOT, WORK (a new /tmp folder), NGINX_PID; stops nginx on exit
#   require_tools "<install hint>" <tool>...
#   require_java "<why this JDK>"         # JAVA25 must hold bin/java
#   build_bench                           # mvn -Pbench -pl bench -am package, unless SKIP_BUILD=1
#   free_port                             # prints a free port on 127.0.0.1
#   await_nginx <url> [curl option]...    # waits up to 5 s for nginx to answer, exits 1 when it does not
#
# The caller sets `set -euo pipefail` and JAVA25 first.

bench_init() {
  ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  NGINX_PID=""
  trap stop_nginx EXIT
}

# Stops the nginx the script started (by its pid), if it still runs.
stop_nginx() {
  if [[ -n "$NGINX_PID" ]] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill "$NGINX_PID"
    wait "$NGINX_PID" 2>/dev/null || true
  fi
}

require_tools() {
  local hint=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool; run: $hint" >&2; exit 2; }
  done
}

require_java() {
  [[ -x "$JAVA25/bin/java" ]] || { echo "no Java at $JAVA25; set JAVA25 to $1" >&2; exit 2; }
}

build_bench() {
  if [[ "${SKIP_BUILD:-}" != 1 ]]; then
    echo "building bench (agent + scripts) ..."
    (cd "$ROOT" && timeout 600 mvn -B -q -Pbench -pl bench -am package -DskipTests)
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

await_nginx() {
  local url=$1
  shift
  for _ in $(seq 50); do
    curl -fs "$@" "$url/" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "nginx did not answer on $url; see $WORK/nginx/error.log" >&2
  exit 1
}
