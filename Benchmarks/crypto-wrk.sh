#!/usr/bin/env bash
# Throughput and latency of the asymmetric and MAC operations, beside Encrypt:
# Sign with ECC_NIST_P256 (ECDSA_SHA_256), RSA_2048 (RSASSA_PSS_SHA_256) and
# ECC_NIST_EDWARDS25519 (ED25519_SHA_512), and GenerateMac with HMAC_256, each
# a 32-byte message on its own key, replayed by wrk -t2 -c64 for WRK_DURATION
# (default 10s) against one release server, every request audited as in
# production. Prints one SUMMARY line per operation.
#
# Usage: Benchmarks/crypto-wrk.sh   (TRENT_BIN=/path skips the build)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
WRK_DURATION="${WRK_DURATION:-10s}"
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }
if [[ -z "${TRENT_BIN:-}" ]]; then
  (cd "$REPO" && swift build -c release --product trent >&2)
  TRENT_BIN="$(cd "$REPO" && swift build -c release --show-bin-path)/trent"
fi

export TRENT_ROOT_ACCESS_KEY_ID="AKIATRENTBENCHMARK01"
export TRENT_ROOT_SECRET_ACCESS_KEY="trentBenchmarkSecretKey0123456789abcdefg"
export TRENT_ACCOUNT_ID="111122223333"
WORK="$(mktemp -d -t trent-crypto.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
"$TRENT_BIN" serve --listen "127.0.0.1:$PORT" --data "$WORK/data" >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/health', timeout=1)" 2>/dev/null && break
  sleep 0.1
done

for operation in Encrypt Sign:ECC_NIST_P256:ECDSA_SHA_256 Sign:RSA_2048:RSASSA_PSS_SHA_256 \
    Sign:ECC_NIST_EDWARDS25519:ED25519_SHA_512 GenerateMac:HMAC_256:HMAC_SHA_256; do
  script="$WORK/${operation//:/-}.lua"
  python3 "$HERE/sign_request.py" --endpoint "http://127.0.0.1:$PORT" --operation "$operation" --out "$script" 2>/dev/null
  line="$(wrk -t2 -c64 -d"$WRK_DURATION" --latency -s "$script" "http://127.0.0.1:$PORT/" | grep '^WRK_RESULT ')"
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
  [[ "$(field non200)" == 0 ]] || { echo "FAIL: $(field non200) non-200 responses for $operation" >&2; exit 1; }
  echo "SUMMARY: $operation: $(field rps) req/s, p50 $(field p50_ms) ms, p99 $(field p99_ms) ms ($(field requests) requests)"
done
