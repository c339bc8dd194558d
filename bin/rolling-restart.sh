#!/usr/bin/env bash
# Restarts one node of the local cluster (bin/cluster-local-postgres.sh) the way a rolling update
# does: SIGTERM (coordinated shutdown hands its shards to the others and leaves the cluster), wait
# for the process to exit, start it again with the same ports, wait until /ready.
#
#   DB_URL=... DB_USER=... DB_PASSWORD=... bin/rolling-restart.sh <node 1-3> [LOG_DIR]
#
# Needs the same environment as the start (the scripts keep no credentials on disk).
set -euo pipefail
# shellcheck source=bin/local-cluster.sh
. "$(dirname "$0")/local-cluster.sh"

n="${1:-}"
case "$n" in
  1|2|3) ;;
  *) die "usage: $0 <node 1-3> [LOG_DIR]" ;;
esac
LOG_DIR="$(mkdir -p "${2:-./logs}" && cd "${2:-./logs}" && pwd)"
require_database "$@"

running_pid "$n" >/dev/null || die "node $n is not running (no live pid in $(pid_file "$n"))"
stop_node "$n"
start_node "$n"
wait_ready "$n"
"$(dirname "$0")/cluster-state.sh" "http://127.0.0.1:$(management_port "$n")"
