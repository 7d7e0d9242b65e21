#!/usr/bin/env bash
# Spans ingested per second by `acc serve` with a persistent state (SQLite
# in a fresh --state-dir), sent by the OpenTelemetry Python SDK's own OTLP
# exporters in batches of 512: OTLP/HTTP protobuf, then OTLP/gRPC, each
# against a fresh platform. An export is acknowledged only once its spans
# are committed, so the clock stops when the last one is stored. Nothing
# lost: /local/otlp must then keep every span sent, none evicted (SPANS
# stays within the default 100 000 kept). With PHOENIX=1, the same spans
# through the same exporters into Arize Phoenix (`phoenix serve`, its
# SQLite), timed until Phoenix's database holds them all (its exporter
# acknowledgement comes before its insert), for the ratio.
set -euo pipefail
BIN=${BIN:-target/release/acc}
SPANS=${SPANS:-99840}
WORKERS=${WORKERS:-4}
PHOENIX=${PHOENIX:-0}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${VENV:-$root/target/agentcore-venv}
"$venv/bin/python" -c 'import opentelemetry.exporter.otlp.proto.grpc, opentelemetry.exporter.otlp.proto.http' 2>/dev/null || {
  echo "otlp-ingest: $venv needs the OpenTelemetry exporters (./tests/run creates it; or VENV=...)" >&2; exit 2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
echo "otlp-ingest: $SPANS spans, batches of 512, $WORKERS exporter processes, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

acc_run() { # protocol
  local protocol=$1 grpc url
  grpc=$(free_port)
  mkdir -p "$work/acc-$protocol"
  "$BIN" serve --state-dir "$work/acc-$protocol" --no-demo --listen 127.0.0.1:0 --otlp-grpc "127.0.0.1:$grpc" \
    > "$work/serve-$protocol.out" 2>/dev/null &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do grep -q listening "$work/serve-$protocol.out" 2>/dev/null && break; sleep 0.1; done
  url=$(sed -n 's/^acc: local platform listening on //p' "$work/serve-$protocol.out")
  local target=$url
  [[ $protocol == grpc ]] && target="http://127.0.0.1:$grpc"
  local out
  out=$("$venv/bin/python" "$here/otlp_ingest.py" "$protocol" "$target" "$SPANS" "$WORKERS")
  local rss
  rss=$(awk '/VmHWM/{print $2}' "/proc/$pid/status")
  python3 - "$url" "$out" "$protocol" "$rss" <<'PY'
import json, sys, urllib.request
url, out, protocol, rss = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], int(sys.argv[4])
stats = json.load(urllib.request.urlopen(url + "/local/otlp"))["spans"]
lost = out["spans"] - stats["kept"]
status = "none lost" if lost == 0 and stats["evicted"] == 0 and out["failed_batches"] == 0 else f"{lost} LOST"
print(f"otlp-ingest: acc {protocol}: {out['spans']} spans in {out['seconds']} s = "
      f"{out['spans_per_second']} spans/s; kept {stats['kept']}, evicted {stats['evicted']} ({status}); "
      f"peak RSS {rss // 1024} MiB")
sys.exit(0 if status == "none lost" else 1)
PY
  echo "$out" > "$work/acc-$protocol.json"
  kill "$pid"
}

phoenix_run() { # protocol
  local protocol=$1 port grpc
  port=$(free_port); grpc=$(free_port)
  mkdir -p "$work/phoenix-$protocol"
  PHOENIX_WORKING_DIR="$work/phoenix-$protocol" PHOENIX_PORT=$port PHOENIX_GRPC_PORT=$grpc \
    PHOENIX_TELEMETRY_ENABLED=false "$PHOENIX_VENV/bin/phoenix" serve > "$work/phoenix-$protocol.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  local target="http://127.0.0.1:$port"
  [[ $protocol == grpc ]] && target="http://127.0.0.1:$grpc"
  local out
  out=$("$PHOENIX_VENV/bin/python" "$here/otlp_ingest.py" "$protocol" "$target" "$SPANS" "$WORKERS")
  # Phoenix acknowledges before it inserts: wait until its database holds every span.
  "$PHOENIX_VENV/bin/python" - "$work/phoenix-$protocol" "$out" "$protocol" "$pid" <<'PY'
import glob, json, sqlite3, sys, time
folder, out, protocol, pid = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
db = glob.glob(folder + "/**/phoenix.db", recursive=True)[0]
deadline = time.time() + 1800
while True:
    with sqlite3.connect(db, timeout=30) as conn:
        stored = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    if stored >= out["spans"] or time.time() > deadline:
        break
    time.sleep(0.05)
done = time.time()
seconds = out["seconds"] + max(0.0, done - out["ended_at"])
rss = int([l for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM")][0].split()[1])
status = "none lost" if stored >= out["spans"] and out["failed_batches"] == 0 else f"{out['spans'] - stored} LOST"
print(f"otlp-ingest: phoenix {protocol}: {out['spans']} spans acknowledged in {out['seconds']} s, "
      f"stored in {seconds:.3f} s = {round(out['spans'] / seconds)} spans/s stored; "
      f"{stored} in its database ({status}); peak RSS {rss // 1024} MiB (the server process)")
print(json.dumps({"stored_per_second": out["spans"] / seconds}), file=open(folder + ".json", "w"))
PY
  kill "$pid"
}

acc_run http
acc_run grpc
if [[ $PHOENIX == 1 ]]; then
  PHOENIX_VENV=${PHOENIX_VENV:-$root/target/phoenix-venv}
  [[ -x $PHOENIX_VENV/bin/phoenix ]] || {
    python3 -m venv "$PHOENIX_VENV"
    "$PHOENIX_VENV/bin/pip" install -q arize-phoenix opentelemetry-exporter-otlp-proto-http opentelemetry-exporter-otlp-proto-grpc
  }
  echo "otlp-ingest: arize-phoenix $("$PHOENIX_VENV/bin/pip" show arize-phoenix | sed -n 's/^Version: //p')"
  for protocol in http grpc; do
    phoenix_run "$protocol"
    python3 - "$work/acc-$protocol.json" "$work/phoenix-$protocol.json" "$protocol" <<'PY'
import json, sys
acc = json.load(open(sys.argv[1]))["spans_per_second"]
phoenix = json.load(open(sys.argv[2]))["stored_per_second"]
print(f"otlp-ingest: {sys.argv[3]}: acc / phoenix = {acc / phoenix:.1f}x (spans stored per second)")
PY
  done
fi
