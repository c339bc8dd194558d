#!/usr/bin/env bash
# The cluster as one node sees it: members with status and roles, unreachable members, leader.
#
#   bin/cluster-state.sh [MANAGEMENT_URL]     # default http://127.0.0.1:8558
#   bin/cluster-state.sh --json [MANAGEMENT_URL]   # the raw /cluster/members answer, pretty-printed
set -euo pipefail

raw=false
if [ "${1:-}" = "--json" ]; then
  raw=true
  shift
fi
url="${1:-http://127.0.0.1:8558}"
url="${url%/}"

body="$(curl -fsS --max-time 10 "$url/cluster/members")" || {
  echo "no answer from $url/cluster/members" >&2
  exit 1
}

if $raw; then
  printf '%s\n' "$body" | python3 -m json.tool
  exit 0
fi

printf '%s\n' "$body" | python3 -c '
import json, sys
state = json.load(sys.stdin)
print("seen from  " + state.get("selfNode", "?"))
print("leader     " + str(state.get("leader", "-")))
print("oldest     " + str(state.get("oldest", "-")))
for m in state.get("members", []):
    print("member     {:<45} {:<8} {}".format(m["node"], m["status"], ",".join(sorted(m.get("roles", [])))))
for u in state.get("unreachable", []):
    print("unreachable {} (observed by {})".format(u["node"], ",".join(u.get("observedBy", []))))
'
