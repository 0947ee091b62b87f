#!/usr/bin/env bash
# Compares the Encrypt throughput of two trent binaries on this machine, for
# before/after figures that machine noise does not swamp: both servers run at
# once, each gets the same pre-signed Encrypt request (1 KiB plaintext, as in
# encrypt-wrk.sh), and wrk alternates short bursts between them, so drift in
# the machine's speed falls on both alike.
#
# Usage: Benchmarks/compare-wrk.sh BIN_A BIN_B
#   ROUNDS (default 15) bursts of BURST seconds (default 2) each, wrk -t2 -c64.
# Prints each one's mean req/s and B as a share of A. Run it both ways round:
# the one measured second in each round gains about a point.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
A="$1"; B="$2"
ROUNDS="${ROUNDS:-15}"; BURST="${BURST:-2}"
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }

export TRENT_ROOT_ACCESS_KEY_ID="AKIATRENTBENCHMARK01"
export TRENT_ROOT_SECRET_ACCESS_KEY="trentBenchmarkSecretKey0123456789abcdefg"
export TRENT_ACCOUNT_ID="111122223333"

WORK="$(mktemp -d -t trent-compare.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start NAME BIN: a server on a free port with its own data directory and signed request.
start() {
  local dir="$WORK/$1" port
  port="$(free_port)"
  mkdir -p "$dir/data"
  "$2" serve --listen "127.0.0.1:$port" --data "$dir/data" >"$dir/server.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 300); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=1)" 2>/dev/null && break
    sleep 0.1
  done
  python3 "$HERE/sign_request.py" --endpoint "http://127.0.0.1:$port" --region us-east-1 --out "$dir/encrypt.lua" 2>/dev/null
  echo "$port" >"$dir/port"
}

burst() {  # NAME → requests completed
  local dir="$WORK/$1"
  wrk -t2 -c64 -d"${BURST}s" -s "$dir/encrypt.lua" "http://127.0.0.1:$(cat "$dir/port")/" \
    | sed -n 's/.*WRK_RESULT requests=\([0-9]*\).* non200=\([0-9]*\).*/\1 \2/p'
}

start a "$A"; start b "$B"
total_a=0; total_b=0
for _ in $(seq 1 "$ROUNDS"); do
  for side in a b; do
    read -r requests bad < <(burst "$side")
    [[ "$bad" == 0 ]] || { echo "FAIL: $bad non-200 responses from $side" >&2; exit 1; }
    if [[ $side == a ]]; then total_a=$((total_a + requests)); else total_b=$((total_b + requests)); fi
  done
done
python3 -c "
a = $total_a / ($ROUNDS * $BURST); b = $total_b / ($ROUNDS * $BURST)
print(f'A {a:.0f} req/s, B {b:.0f} req/s, B/A {100 * b / a:.1f}%  ($ROUNDS interleaved {$BURST}-second bursts each)')"
