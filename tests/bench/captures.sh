#!/usr/bin/env bash
# Captured tool calls per second: wrk drives `tools/call` through a local
# gateway (NONE auth) to an MCP-server target (the demo knowledge base the
# platform serves), against `acc serve` on loopback; every call is captured
# (SQLite row + log line, group-committed). Afterwards the captures are
# counted through the CloudWatch Logs API and compared with what wrk sent.
set -euo pipefail
BIN=${BIN:-target/release/acc}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
TOOL=${TOOL:-knowledge___search_articles}
work=$(mktemp -d)
"$BIN" serve ${STATE_ARGS:---ephemeral} --no-demo --capture-cap 100000000 --listen 127.0.0.1:0 > "$work/serve.out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^acc: local platform listening on //p' "$work/serve.out")
gateway=$(curl -sf -X POST "$url/gateways/" -H 'content-type: application/json' \
  -d '{"name":"capture-bench","roleArn":"arn:aws:iam::000000000000:role/Bench","protocolType":"MCP","authorizerType":"NONE"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["gatewayId"])')
curl -sf -X POST "$url/gateways/$gateway/targets/" -H 'content-type: application/json' \
  -d "{\"name\":\"knowledge\",\"targetConfiguration\":{\"mcp\":{\"mcpServer\":{\"endpoint\":\"$url/demo/knowledge-base/mcp\"}}}}" >/dev/null
mcp="$url/gateways/$gateway/mcp"
# The first call discovers the target's tools.
curl -sf "$mcp" -H 'content-type: application/json' -H 'accept: application/json' \
  -d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' >/dev/null
cat > "$work/call.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"$TOOL","arguments":{"query":"reset"}}}'
LUA
echo "captures: wrk -t1 -c$CONNECTIONS -d$DURATION -s call.lua $mcp ($TOOL)"
wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/call.lua" "$mcp" | tee "$work/wrk.out" \
  | grep -E 'requests in|Requests/sec|50%|99%|Non-2xx|Socket errors'
sent=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk.out")
python3 - "$url" "/aws/vendedlogs/bedrock-agentcore/gateway/APPLICATION_LOGS/$gateway" "$sent" <<'PY'
import json, sys, urllib.request
url, group, sent = sys.argv[1], sys.argv[2], int(sys.argv[3])
count, token = 0, None
while True:
    body = {"logGroupName": group}
    if token:
        body["nextToken"] = token
    req = urllib.request.Request(url + "/", json.dumps(body).encode(), {
        "x-amz-target": "Logs_20140328.FilterLogEvents",
        "content-type": "application/x-amz-json-1.1"})
    page = json.load(urllib.request.urlopen(req))
    count += len(page["events"])
    token = page.get("nextToken")
    if not token:
        break
status = "none lost" if count >= sent else f"{sent - count} LOST"
print(f"captures: wrk completed {sent} calls; {count} captured ({status})")
sys.exit(0 if count >= sent else 1)
PY
