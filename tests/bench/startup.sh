#!/usr/bin/env bash
# Launch → first painted frame and → first frame showing the demo gateways,
# for `acc --ephemeral` (embedded platform seeded with the demo workspace) in
# a real terminal (tmux, 200x50). Times are taken inside the process, from the
# start of main(), by ACC_STARTUP_REPORT.
set -euo pipefail
BIN=${BIN:-target/release/acc}
RUNS=${RUNS:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq "$RUNS"); do
  report="$work/report-$i"
  tmux new-session -d -s "acc-startup-$$" -x 200 -y 50 \
    -e "ACC_STARTUP_REPORT=$report" -e "XDG_DATA_HOME=$work/data" \
    "$BIN --ephemeral; tmux wait-for -S acc-startup-$$-done"
  tmux wait-for "acc-startup-$$-done"
  cat "$report"
done | python3 -c '
import sys, statistics
vals = {}
for line in sys.stdin:
    k, v = line.strip().split("=")
    vals.setdefault(k, []).append(float(v))
for k, v in vals.items():
    v.sort()
    print(f"startup {k}: median {statistics.median(v):.1f} ms, p90 {v[int(len(v)*0.9)-1]:.1f} ms, max {v[-1]:.1f} ms over {len(v)} runs")
'
