#!/usr/bin/env bash
# Peak RSS (VmHWM) of the console with a 10 000-tool catalog loaded and
# scrolled to the end. Measured twice: the console alone against `acc serve`
# (--endpoint), and `acc` with its embedded platform in the same process.
set -euo pipefail
BIN=${BIN:-target/release/acc}
TOOLS=${TOOLS:-10000}
work=$(mktemp -d)
serve_pid=
cleanup() { [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null; tmux kill-session -t "acc-rss-$$" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

wait_screen() { # text
  for _ in $(seq 600); do
    tmux capture-pane -p -t "acc-rss-$$" | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  echo "rss: timed out waiting for '$1'" >&2; tmux capture-pane -p -t "acc-rss-$$" >&2; exit 1
}

measure() { # label, acc args...
  local label=$1; shift
  tmux new-session -d -s "acc-rss-$$" -x 200 -y 50 -e "XDG_DATA_HOME=$work/data" "exec $BIN $*"
  wait_screen "bulk-catalog"
  tmux send-keys -t "acc-rss-$$" -l ":tools bulk-catalog"
  tmux send-keys -t "acc-rss-$$" Enter
  wait_screen "[$TOOLS]"
  tmux send-keys -t "acc-rss-$$" End
  wait_screen "_09999"
  local pid
  pid=$(tmux display -p -t "acc-rss-$$" '#{pane_pid}')
  echo "rss $label: peak $(awk '/VmHWM/{printf "%.1f MiB", $2/1024}' /proc/$pid/status), now $(awk '/VmRSS/{printf "%.1f MiB", $2/1024}' /proc/$pid/status)"
  tmux kill-session -t "acc-rss-$$"
}

"$BIN" serve --ephemeral --no-demo --bulk-tools "$TOOLS" --listen 127.0.0.1:0 > "$work/serve.out" &
serve_pid=$!
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^acc: local platform listening on //p' "$work/serve.out")
measure "console alone (--endpoint), $TOOLS tools" --endpoint "$url"
measure "console + embedded platform (--ephemeral), $TOOLS tools" --ephemeral --bulk-tools "$TOOLS"
