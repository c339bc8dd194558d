#!/usr/bin/env bash
# A three-node cluster on this machine against PostgreSQL, each node a background process.
#
#   DB_URL=jdbc:postgresql://127.0.0.1:5432/linecommerce DB_USER=postgres DB_PASSWORD=... \
#     bin/cluster-local-postgres.sh start [LOG_DIR]     # start nodes 1-3, wait until each is ready
#   bin/cluster-local-postgres.sh stop [LOG_DIR]        # SIGTERM each, wait for its exit
#   bin/cluster-local-postgres.sh status [LOG_DIR]
#
# Node N: remoting 255N, HTTP 808(N-1), management 855(7+N), each + PORT_OFFSET [0]; logs and pid
# files in LOG_DIR [./logs].
# Other variables (API_TOKEN, LINE_*, AI_*, ...) are passed on to the nodes as they are.
set -euo pipefail
# shellcheck source=bin/local-cluster.sh
. "$(dirname "$0")/local-cluster.sh"

command="${1:-}"
LOG_DIR="$(mkdir -p "${2:-./logs}" && cd "${2:-./logs}" && pwd)"

case "$command" in
  start)
    require_database "$@"
    for n in 1 2 3; do
      start_node "$n"
      # the seed first: the others join it
      [ "$n" != 1 ] || wait_ready 1
    done
    for n in 2 3; do wait_ready "$n"; done
    "$(dirname "$0")/cluster-state.sh" "http://127.0.0.1:$(management_port 1)"
    ;;
  stop)
    for n in 3 2 1; do stop_node "$n"; done
    ;;
  status)
    for n in 1 2 3; do
      if pid="$(running_pid "$n")"; then echo "node $n runs (pid $pid)"; else echo "node $n is not running"; fi
    done
    ;;
  *)
    die "usage: $0 start|stop|status [LOG_DIR]"
    ;;
esac
