#!/usr/bin/env bash
# `acc policy test` beside `cedar run-tests` (cedar-policy-cli 4.14.1) on
# the same generated file: TESTS test cases against an engine of POLICIES
# policies, created in `acc serve` and written out for the cedar CLI with
# `acc policy export`. Each tool runs RUNS times; the best wall time (and
# its CPU time), the throughput ratio and the peak RSS (/usr/bin/time) are
# reported. Wall time is what a CI job waits; on a busy machine the cores
# are shared, so the CPU time is shown too.
set -euo pipefail
BIN=${BIN:-target/release/acc}
TESTS=${TESTS:-100000}
POLICIES=${POLICIES:-50}
RUNS=${RUNS:-3}
command -v cedar >/dev/null || { echo "policy-tests: cedar is required (cargo install cedar-policy-cli --version 4.14.1)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "policy-tests: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
"$BIN" serve --ephemeral --no-demo --listen 127.0.0.1:0 > "$work/serve.out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^acc: local platform listening on //p' "$work/serve.out")
python3 "$here/policy_test_file.py" "$url" bench "$TESTS" "$POLICIES" "$work/tests.json"
"$BIN" --endpoint "$url" policy export bench "$work/policies" >/dev/null
echo "policy-tests: $TESTS tests, $POLICIES policies ($(du -h "$work/tests.json" | cut -f1) file), best of $RUNS, $(nproc) cores"
best() { # label, command...
  local label=$1; shift
  local best_s= best_cpu= best_kb=
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" > "$work/$label.out" || true
    read -r s kb user sys < "$work/time"
    if [[ -z $best_s ]] || awk "BEGIN{exit !($s < $best_s)}"; then
      best_s=$s
      best_cpu=$(awk "BEGIN{print $user + $sys}")
    fi
    if [[ -z $best_kb ]] || ((kb > best_kb)); then best_kb=$kb; fi
  done
  echo "$label $best_s $best_cpu $best_kb $(tail -1 "$work/$label.out")"
}
cedar_line=$(best cedar cedar run-tests --policies "$work/policies/bench.cedar" --tests "$work/tests.json")
acc_line=$(best acc "$BIN" --endpoint "$url" policy test --engine bench "$work/tests.json")
# Both tools must give every test the same verdict.
if ! diff -q <(grep '^  test' "$work/cedar.out") <(grep '^  test' "$work/acc.out") >/dev/null; then
  echo "policy-tests: acc and cedar DISAGREE" >&2
  diff <(grep '^  test' "$work/cedar.out") <(grep '^  test' "$work/acc.out") | head -5 >&2
  exit 1
fi
python3 - "$TESTS" "$cedar_line" "$acc_line" <<'PY'
import sys
tests = int(sys.argv[1])
rows = {}
for line in sys.argv[2:]:
    label, secs, cpu, kb, *summary = line.split()
    rows[label] = (float(secs), float(cpu), int(kb), " ".join(summary))
for label, (secs, cpu, kb, summary) in rows.items():
    print(f"policy-tests: {label:5} {secs:6.2f} s wall ({cpu:6.2f} s CPU)  {tests / secs:9.0f} tests/s  peak RSS {kb / 1024:6.1f} MB  ({summary})")
(cs, ccpu, ckb, _), (as_, acpu, akb, _) = rows["cedar"], rows["acc"]
print(f"policy-tests: acc is {cs / as_:.2f}x the cedar CLI's throughput ({ccpu / acpu:.2f}x per CPU second), with {akb / ckb:.2f}x its peak RSS; every verdict agrees")
PY
