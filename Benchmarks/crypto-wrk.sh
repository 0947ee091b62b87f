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
source "$HERE/wrk-common.sh"
trent_release_bin

WORK="$(mktemp -d -t trent-crypto.XXXXXX)"
PORT="$(free_port)"
"$TRENT_BIN" serve --listen "127.0.0.1:$PORT" --data "$WORK/data" >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
wait_for "http://127.0.0.1:$PORT/health"

for operation in Encrypt Sign:ECC_NIST_P256:ECDSA_SHA_256 Sign:RSA_2048:RSASSA_PSS_SHA_256 \
    Sign:ECC_NIST_EDWARDS25519:ED25519_SHA_512 GenerateMac:HMAC_256:HMAC_SHA_256; do
  script="$WORK/${operation//:/-}.lua"
  python3 "$HERE/sign_request.py" --endpoint "http://127.0.0.1:$PORT" --operation "$operation" --out "$script" 2>/dev/null
  wrk_summary "$operation" "$script" "$PORT"
done
