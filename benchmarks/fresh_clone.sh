#!/usr/bin/env bash
# Time the README's two commands as a new user meets them: a fresh clone, nothing installed.
# Usage: benchmarks/fresh_clone.sh [--no-test]   (prints the figures; changes nothing here)
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'pkill -f "$work/main/.venv" 2>/dev/null || true; rm -rf "$work"' EXIT
git clone -q "$repo" "$work/main"
[ -d "$repo/../shared" ] && ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"
cd "$work/main"
port=18765

start=$(date +%s.%N)
OMLOB_PORT=$port make run >"$work/run.log" 2>&1 &
until curl -fsS -o /dev/null "http://127.0.0.1:$port/konto/log-ind/" 2>/dev/null; do
  sleep 0.5
  if ! pgrep -f "$work/main/.venv/bin/omlob serve" >/dev/null && \
     ! pgrep -f "make run" >/dev/null; then
    echo "make run failed:"; tail -30 "$work/run.log"; exit 1
  fi
done
run_s=$(python3 -c "print($(date +%s.%N) - $start)")
printf 'make run (fresh clone → server answers): %.1f s\n' "$run_s"
pkill -f "$work/main/.venv/bin/omlob serve" || true
sleep 2

if [ "${1:-}" != "--no-test" ]; then
  start=$(date +%s.%N)
  make test >"$work/test.log" 2>&1 || { tail -40 "$work/test.log"; exit 1; }
  test_s=$(python3 -c "print($(date +%s.%N) - $start)")
  printf 'make test (after make run, same clone): %.1f s\n' "$test_s"
  grep -E '^[0-9]+ passed|passed' "$work/test.log" | tail -1
fi
