#!/usr/bin/env bash
# Encrypt throughput/latency benchmark for trent using wrk.
#
# - builds trent in release mode (skip by setting TRENT_BIN=/path/to/trent)
# - starts it on a random loopback port with a temp data dir and env root creds
# - creates a key with boto3 and pre-signs ONE Encrypt request with a
#   1 KiB plaintext (Benchmarks/sign_request.py), which wrk then replays
# - runs: wrk -t2 -c64 -d10s --latency  (override with WRK_THREADS,
#   WRK_CONNECTIONS, WRK_DURATION, PLAINTEXT_SIZE)
# - fails if any response was not 200; prints req/s and p50/p99 latency
# - then, on the same server, signs the same Encrypt as an IAM user whose
#   access comes from an identity policy with conditions, and alternates
#   ROUNDS (default 15) pairs of BURST-second (default 2) root and user runs,
#   so that the machine's drift falls on both alike, printing the user's
#   throughput as a share of root's (skip with POLICY_USER=0)
# - then replays the same request, in the same run, against the ceiling: a
#   bare Hummingbird handler answering a fixed body with the same executor
#   set-up (Benchmarks/Ceiling, product trent-ceiling), and prints Trent's
#   throughput as a share of it (skip with CEILING=0; CEILING_BIN overrides)
# - the server records every request in its audit trail, as in production;
#   during the first run, `perf stat` (when installed and allowed) counts its
#   fsync/fdatasync calls, printed per request. Then a second server of the
#   same build runs with the audit trail disabled (--unaudited-benchmark,
#   which only TRENT_BENCHMARK=1 permits), and ROUNDS pairs of BURST-second
#   runs alternate between the two, printing the audited throughput as a
#   share of the unaudited (skip with AUDIT_BASELINE=0)
# - then a third server of the same build serves HTTPS (--tls-cert, a P-256
#   certificate made with openssl), and ROUNDS pairs of bursts alternate
#   between plain HTTP and TLS, both audited, printing TLS as a share of plain
#   HTTP (skip with TLS_BASELINE=0)
# - BENCH_SERVER=moto replays the same request against moto_server instead,
#   the Python KMS emulator, for comparison on the same machine
#
# Usage: Benchmarks/encrypt-wrk.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"

WRK_THREADS="${WRK_THREADS:-2}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
WRK_DURATION="${WRK_DURATION:-10s}"
PLAINTEXT_SIZE="${PLAINTEXT_SIZE:-1024}"   # 1 KiB plaintext per Encrypt
REGION="us-east-1"

log() { printf '[encrypt-wrk] %s\n' "$*" >&2; }

# --- binary -----------------------------------------------------------------
BENCH_SERVER="${BENCH_SERVER:-trent}"
if [[ "$BENCH_SERVER" == moto ]]; then
  command -v moto_server >/dev/null || { log "moto_server not found (pip install 'moto[server]')"; exit 1; }
elif [[ -n "${TRENT_BIN:-}" ]]; then
  BIN="$TRENT_BIN"
  log "using TRENT_BIN=$BIN (skipping build)"
else
  log "building release: swift build -c release --product trent"
  (cd "$REPO" && swift build -c release --product trent)
  BIN="$(cd "$REPO" && swift build -c release --show-bin-path)/trent"
fi
CEILING="${CEILING:-1}"
if [[ "$BENCH_SERVER" == trent && "$CEILING" != 0 && -z "${CEILING_BIN:-}" ]]; then
  log "building release: swift build -c release --product trent-ceiling"
  (cd "$REPO" && swift build -c release --product trent-ceiling)
  CEILING_BIN="$(cd "$REPO" && swift build -c release --show-bin-path)/trent-ceiling"
fi
[[ "$BENCH_SERVER" == moto || -x "$BIN" ]] || { log "trent binary not found/executable: $BIN"; exit 1; }

# --- wrk ----------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  log "wrk not found; installing with apt-get"
  SUDO=""
  if [[ "$(id -u)" != 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq wrk
fi

# --- server -------------------------------------------------------------------
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
WORK="$(mktemp -d -t trent-bench.XXXXXX)"
DATA="$WORK/data"
mkdir -p "$DATA"
SCRIPT="$WORK/encrypt.lua"
ENDPOINT="http://127.0.0.1:$PORT"

export TRENT_ROOT_ACCESS_KEY_ID="AKIATRENTBENCHMARK01"
export TRENT_ROOT_SECRET_ACCESS_KEY="trentBenchmarkSecretKey0123456789abcdefg"
export TRENT_ACCOUNT_ID="111122223333"

SERVER_PID=""
CEILING_PID=""
stop_pid() {
  local pid="$1"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}
cleanup() {
  local rc=$?
  stop_pid "$SERVER_PID"
  stop_pid "$CEILING_PID"
  if [[ $rc -ne 0 && -f "$WORK/server.log" ]]; then
    log "server log tail:"; tail -n 30 "$WORK/server.log" >&2 || true
  fi
  if [[ -z "${KEEP_BENCH_DIR:-}" ]]; then rm -rf "$WORK"; else log "kept $WORK"; fi
  exit $rc
}
trap cleanup EXIT INT TERM

if [[ "$BENCH_SERVER" == moto ]]; then
  log "starting moto_server on 127.0.0.1:$PORT"
  moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/server.log" 2>&1 &
  READY_PATH="/moto-api/"
else
  log "starting $BIN serve --listen 127.0.0.1:$PORT --data $DATA"
  "$BIN" serve --listen "127.0.0.1:$PORT" --data "$DATA" --region "$REGION" >"$WORK/server.log" 2>&1 &
  READY_PATH="/health"
fi
SERVER_PID=$!

wait_ready() {  # PID URL
  for _ in $(seq 1 300); do
    if ! kill -0 "$1" 2>/dev/null; then log "server exited during startup"; return 1; fi
    if python3 -c "import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('$2', timeout=1).status==200 else 1)" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  log "server not ready after 30s"; return 1
}
wait_ready "$SERVER_PID" "$ENDPOINT$READY_PATH"

# --- key + signed request -------------------------------------------------------
python3 "$HERE/sign_request.py" \
  --endpoint "$ENDPOINT" --region "$REGION" \
  --plaintext-size "$PLAINTEXT_SIZE" --out "$SCRIPT"

# --- run ------------------------------------------------------------------------
log "hardware: nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown cpu)"

# run_wrk ENDPOINT NAME: replays the signed request; sets RPS P50 P99 NON200 REQS SOCKERR.
run_wrk() {
  local out="$WORK/wrk-$2.out"
  log "running: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --latency -s $SCRIPT $1/  ($2)"
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --latency -s "$SCRIPT" "$1/" | tee "$out"
  local line
  line="$(grep '^WRK_RESULT ' "$out" || true)"
  [[ -n "$line" ]] || { log "no WRK_RESULT line in wrk output"; exit 1; }
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  RPS="$(field rps)"; P50="$(field p50_ms)"; P99="$(field p99_ms)"
  NON200="$(field non200)"; REQS="$(field requests)"
  SOCKERR=$(( $(field err_connect) + $(field err_read) + $(field err_write) + $(field err_timeout) ))
  if [[ "$NON200" != "0" ]]; then log "FAIL: $NON200 non-200 responses from $2"; exit 1; fi
  if [[ "$REQS" == "0" ]]; then log "FAIL: no requests completed by $2"; exit 1; fi
}

FSYNC_OUT="$WORK/fsync.out"
PERF_PID=""
if [[ "$BENCH_SERVER" == trent ]] && command -v perf >/dev/null 2>&1; then
  perf stat -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -p "$SERVER_PID" -o "$FSYNC_OUT" -- sleep "${WRK_DURATION%s}" 2>/dev/null &
  PERF_PID=$!
fi
run_wrk "$ENDPOINT" "$BENCH_SERVER"
SERVER_RPS="$RPS"
if [[ -n "$PERF_PID" ]] && wait "$PERF_PID" && grep -q sys_enter "$FSYNC_OUT"; then
  FSYNCS="$(awk '/sys_enter_f(data)?sync/ {gsub(",", "", $1); s += $1} END {print s}' "$FSYNC_OUT")"
  echo "SUMMARY: audit trail: $FSYNCS fsync/fdatasync calls for $REQS requests: $(python3 -c "print(f'{$FSYNCS / $REQS:.3f}')") per request"
else
  log "perf not available: fsyncs not counted"
fi
echo
echo "SUMMARY: $BENCH_SERVER Encrypt (${PLAINTEXT_SIZE}-byte plaintext) nproc=$(nproc) wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION: ${RPS} req/s, p50 ${P50} ms, p99 ${P99} ms, requests ${REQS}, non-200 ${NON200}, socket errors ${SOCKERR}"

# alternate NAME_A ENDPOINT_A SCRIPT_A NAME_B ENDPOINT_B SCRIPT_B: ROUNDS pairs of
# BURST-second runs, A then B, so that the machine's drift falls on both
# alike; sets TOTAL_A, TOTAL_B (requests) and SECONDS_EACH.
alternate() {
  local saved_duration="$WRK_DURATION" saved_script="$SCRIPT" round
  TOTAL_A=0; TOTAL_B=0; WRK_DURATION="${BURST:-2}s"
  for round in $(seq 1 "${ROUNDS:-15}"); do
    SCRIPT="$3"; run_wrk "$2" "$1-$round" >/dev/null
    TOTAL_A=$((TOTAL_A + REQS))
    SCRIPT="$6"; run_wrk "$5" "$4-$round" >/dev/null
    TOTAL_B=$((TOTAL_B + REQS))
  done
  WRK_DURATION="$saved_duration"; SCRIPT="$saved_script"
  SECONDS_EACH=$(( ${ROUNDS:-15} * ${BURST:-2} ))
}
share() { python3 -c "print(f'{100 * $1 / $2:.1f}')"; }
BURSTS="${ROUNDS:-15} alternating ${BURST:-2}-second bursts each"

if [[ "$BENCH_SERVER" == trent && "${POLICY_USER:-1}" != 0 ]]; then
  USER_SCRIPT="$WORK/encrypt-user.lua"
  python3 "$HERE/sign_request.py" \
    --endpoint "$ENDPOINT" --region "$REGION" --plaintext-size "$PLAINTEXT_SIZE" \
    --policy-user "bench-user" --out "$USER_SCRIPT"
  alternate root "$ENDPOINT" "$SCRIPT" user "$ENDPOINT" "$USER_SCRIPT"
  echo "SUMMARY: root $((TOTAL_A / SECONDS_EACH)) req/s, policy user $((TOTAL_B / SECONDS_EACH)) req/s: the user allowed by a conditional identity policy reaches $(share $TOTAL_B $TOTAL_A)% of root's throughput ($BURSTS)"
fi

if [[ "$BENCH_SERVER" == trent && "${AUDIT_BASELINE:-1}" != 0 ]]; then
  BASE_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  mkdir -p "$WORK/unaudited"
  log "starting $BIN serve --unaudited-benchmark on 127.0.0.1:$BASE_PORT"
  TRENT_BENCHMARK=1 "$BIN" serve --listen "127.0.0.1:$BASE_PORT" --data "$WORK/unaudited" --region "$REGION" --unaudited-benchmark \
    >"$WORK/unaudited.log" 2>&1 &
  BASE_PID=$!
  wait_ready "$BASE_PID" "http://127.0.0.1:$BASE_PORT/health"
  BASE_SCRIPT="$WORK/encrypt-unaudited.lua"
  python3 "$HERE/sign_request.py" --endpoint "http://127.0.0.1:$BASE_PORT" --region "$REGION" \
    --plaintext-size "$PLAINTEXT_SIZE" --out "$BASE_SCRIPT"
  alternate audited "$ENDPOINT" "$SCRIPT" unaudited "http://127.0.0.1:$BASE_PORT" "$BASE_SCRIPT"
  stop_pid "$BASE_PID"
  echo "SUMMARY: audited $((TOTAL_A / SECONDS_EACH)) req/s, unaudited $((TOTAL_B / SECONDS_EACH)) req/s: with every request recorded durably, Trent keeps $(share $TOTAL_A $TOTAL_B)% of the same build's throughput without its audit trail ($BURSTS)"
fi

if [[ "$BENCH_SERVER" == trent && "${TLS_BASELINE:-1}" != 0 ]]; then
  TLS_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  mkdir -p "$WORK/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/tls-key.pem" -out "$WORK/tls-cert.pem" 2>/dev/null
  log "starting $BIN serve --tls-cert on 127.0.0.1:$TLS_PORT"
  "$BIN" serve --listen "127.0.0.1:$TLS_PORT" --data "$WORK/tls" --region "$REGION" \
    --tls-cert "$WORK/tls-cert.pem" --tls-key "$WORK/tls-key.pem" >"$WORK/tls.log" 2>&1 &
  TLS_PID=$!
  for _ in $(seq 1 300); do
    python3 -c "import ssl,sys,urllib.request; sys.exit(0 if urllib.request.urlopen('https://127.0.0.1:$TLS_PORT/health', timeout=1, context=ssl.create_default_context(cafile='$WORK/tls-cert.pem')).status==200 else 1)" 2>/dev/null && break
    sleep 0.1
  done
  TLS_SCRIPT="$WORK/encrypt-tls.lua"
  python3 "$HERE/sign_request.py" --endpoint "https://127.0.0.1:$TLS_PORT" --region "$REGION" \
    --plaintext-size "$PLAINTEXT_SIZE" --ca-bundle "$WORK/tls-cert.pem" --out "$TLS_SCRIPT"
  alternate plain "$ENDPOINT" "$SCRIPT" tls "https://127.0.0.1:$TLS_PORT" "$TLS_SCRIPT"
  stop_pid "$TLS_PID"
  echo "SUMMARY: plain HTTP $((TOTAL_A / SECONDS_EACH)) req/s, TLS $((TOTAL_B / SECONDS_EACH)) req/s, both audited: over TLS, Trent keeps $(share $TOTAL_B $TOTAL_A)% of its plain-HTTP throughput ($BURSTS, connections kept alive)"
fi

if [[ "$BENCH_SERVER" == trent && "$CEILING" != 0 ]]; then
  # The server under test stops first, so the ceiling has the machine to itself as Trent had.
  stop_pid "$SERVER_PID"; SERVER_PID=""
  CEILING_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  log "starting $CEILING_BIN $CEILING_PORT"
  "$CEILING_BIN" "$CEILING_PORT" >"$WORK/ceiling.log" 2>&1 &
  CEILING_PID=$!
  wait_ready "$CEILING_PID" "http://127.0.0.1:$CEILING_PORT/health"
  run_wrk "http://127.0.0.1:$CEILING_PORT" ceiling
  SHARE="$(python3 -c "print(f'{100 * $SERVER_RPS / $RPS:.1f}')")"
  echo "SUMMARY: ceiling (bare Hummingbird, fixed body, same request): ${RPS} req/s, p50 ${P50} ms, p99 ${P99} ms"
  echo "SUMMARY: Trent reaches ${SHARE}% of the ceiling"
fi
