#!/usr/bin/env bash
# ListGateways (GET /gateways, the demo workspace's 2 gateways) against
# `acc serve` on loopback, with wrk on the same 2-core machine.
set -euo pipefail
BIN=${BIN:-target/release/acc}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
work=$(mktemp -d)
"$BIN" serve --ephemeral --listen 127.0.0.1:0 > "$work/serve.out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^acc: local platform listening on //p' "$work/serve.out")
echo "list-gateways: wrk -t1 -c$CONNECTIONS -d$DURATION --latency $url/gateways"
wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$url/gateways" | grep -E 'Requests/sec|50%|90%|99%|Non-2xx|Socket errors'
