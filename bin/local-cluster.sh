# shellcheck shell=bash
# Shared by bin/cluster-local-postgres.sh and bin/rolling-restart.sh (sourced, not run): node N of
# the local cluster (1..3) uses remoting 255N, HTTP 808(N-1), management 855(7+N); the seed nodes are
# all three (CLUSTER_SEED_NODES) and they share the PostgreSQL database in DB_URL. Logs and pid files live in
# LOG_DIR [./logs]. PORT_OFFSET [0] is added to every port (e.g. 10000 for a second cluster beside
# the first, or for tests that need free ports).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="${NODE_JAR:-$ROOT/node/target/node.jar}"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
STOP_TIMEOUT="${STOP_TIMEOUT:-120}"
PORT_OFFSET="${PORT_OFFSET:-0}"
case "$PORT_OFFSET" in ''|*[!0-9]*) echo "PORT_OFFSET must be a number of ports, got '$PORT_OFFSET'" >&2; exit 1 ;; esac

die() { echo "$*" >&2; exit 1; }

require_database() {
  [ -n "${DB_URL:-}" ] || die "DB_URL is not set, e.g. DB_URL=jdbc:postgresql://127.0.0.1:5432/linecommerce DB_USER=postgres DB_PASSWORD=... $0 $*"
  [ -f "$JAR" ] || die "$JAR not found: build it with mvn -B -q package -DskipTests"
}

remoting_port() { echo $((2550 + $1 + PORT_OFFSET)); }
http_port() { echo $((8079 + $1 + PORT_OFFSET)); }
management_port() { echo $((8557 + $1 + PORT_OFFSET)); }
pid_file() { echo "$LOG_DIR/node-$1.pid"; }

running_pid() {
  local pid
  [ -f "$(pid_file "$1")" ] || return 1
  pid="$(cat "$(pid_file "$1")")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

start_node() {
  local n="$1" pid
  if pid="$(running_pid "$n")"; then
    echo "node $n already runs (pid $pid)"
    return 0
  fi
  mkdir -p "$LOG_DIR"
  (
    cd "$ROOT" || exit 1
    export NODE_HOSTNAME="${NODE_HOSTNAME:-127.0.0.1}"
    export NODE_PORT HTTP_PORT MANAGEMENT_PORT
    NODE_PORT="$(remoting_port "$n")"
    HTTP_PORT="$(http_port "$n")"
    MANAGEMENT_PORT="$(management_port "$n")"
    # all three: a restarted node 1 (the first seed) then joins nodes 2 and 3 instead of founding
    # a second cluster, which it would do with itself as the only seed
    export CLUSTER_SEED_NODES="${CLUSTER_SEED_NODES:-127.0.0.1:$(remoting_port 1),127.0.0.1:$(remoting_port 2),127.0.0.1:$(remoting_port 3)}"
    export DB_PROFILE=postgres DB_URL DB_USER="${DB_USER:-}" DB_PASSWORD="${DB_PASSWORD:-}"
    # shellcheck disable=SC2086 # JAVA_OPTS holds several flags
    nohup java ${JAVA_OPTS:-} -jar "$JAR" >>"$LOG_DIR/node-$n.log" 2>&1 &
    echo $! >"$(pid_file "$n")"
  )
  echo "node $n started (pid $(cat "$(pid_file "$n")")): remoting $(remoting_port "$n"), HTTP $(http_port "$n"), management $(management_port "$n"), log $LOG_DIR/node-$n.log"
}

wait_ready() {
  local n="$1" url deadline
  url="http://127.0.0.1:$(management_port "$n")/ready"
  deadline=$((SECONDS + READY_TIMEOUT))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    running_pid "$n" >/dev/null || die "node $n exited; see $LOG_DIR/node-$n.log"
    [ "$SECONDS" -lt "$deadline" ] || die "node $n not ready after ${READY_TIMEOUT}s ($url); see $LOG_DIR/node-$n.log"
    sleep 1
  done
  echo "node $n ready"
}

# SIGTERM runs coordinated shutdown: stop HTTP, hand shards off, leave the cluster, exit 0
stop_node() {
  local n="$1" pid deadline
  if ! pid="$(running_pid "$n")"; then
    rm -f "$(pid_file "$n")"
    echo "node $n is not running"
    return 0
  fi
  kill -TERM "$pid"
  deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || die "node $n (pid $pid) still runs ${STOP_TIMEOUT}s after SIGTERM"
    sleep 1
  done
  rm -f "$(pid_file "$n")"
  echo "node $n stopped"
}
