# Shared by the wrk benchmarks: sourced, not run.

# Sets TRENT_BIN to a release build of trent unless it is set already.
trent_release_bin() {
  if [[ -z "${TRENT_BIN:-}" ]]; then
    (cd "$REPO" && swift build -c release --product trent >&2)
    TRENT_BIN="$(cd "$REPO" && swift build -c release --show-bin-path)/trent"
  fi
}

# The root credentials and account every benchmark server starts with.
export TRENT_ROOT_ACCESS_KEY_ID="AKIATRENTBENCHMARK01"
export TRENT_ROOT_SECRET_ACCESS_KEY="trentBenchmarkSecretKey0123456789abcdefg"
export TRENT_ACCOUNT_ID="111122223333"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_for() {
  for _ in $(seq 1 300); do
    python3 -c "import urllib.request; urllib.request.urlopen('$1', timeout=1)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$1 did not answer" >&2
  return 1
}

# Replays the signed request of the wrk Lua script $2 against port $3 with
# wrk -t2 -c64 for WRK_DURATION and prints "SUMMARY: $1: …"; fails on any non-200.
wrk_summary() {
  local line
  line="$(wrk -t2 -c64 -d"$WRK_DURATION" --latency -s "$2" "http://127.0.0.1:$3/" | grep '^WRK_RESULT ')"
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  [[ "$(field non200)" == 0 ]] || { echo "FAIL: $(field non200) non-200 responses for $1" >&2; exit 1; }
  echo "SUMMARY: $1: $(field rps) req/s, p50 $(field p50_ms) ms, p99 $(field p99_ms) ms ($(field requests) requests)"
}
