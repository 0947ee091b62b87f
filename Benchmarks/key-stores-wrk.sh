#!/usr/bin/env bash
# Encrypt throughput and latency through each key store, on one release
# server, every request audited: a software key, a key in a CloudHSM-style
# custom key store (AES-GCM in a SoftHSMv2 token through PKCS#11) and a key in
# an external key store (double encryption through `trent xks-proxy` on
# another SoftHSMv2 token, over loopback HTTP). A 1 KiB plaintext, wrk -t2
# -c64 for WRK_DURATION (default 10s). Prints one SUMMARY line per store.
#
# Usage: Benchmarks/key-stores-wrk.sh   (TRENT_BIN=/path skips the build; needs softhsm2, opensc, wrk)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
WRK_DURATION="${WRK_DURATION:-10s}"
MODULE=/usr/lib/softhsm/libsofthsm2.so
for tool in wrk softhsm2-util pkcs11-tool; do
  command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install wrk softhsm2 opensc)" >&2; exit 1; }
done
source "$HERE/wrk-common.sh"
trent_release_bin

PIN="benchmark-pin"
XKS_ACCESS="BENCHMARKXKSACCESSKEYIDAAAA"
export XKS_SECRET="YmVuY2htYXJrLXhrcy1zZWNyZXQtYWNjZXNzLWtleS0wMQ=="
export XKS_PKCS11_PIN="$PIN"
WORK="$(mktemp -d -t trent-key-stores.XXXXXX)"
PORT="$(free_port)"
XKS_PORT="$(free_port)"

# Tokens exist before any process loads the module: SoftHSMv2 reads its token directory once.
mkdir -p "$WORK/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK/tokens" >"$WORK/softhsm2.conf"
export SOFTHSM2_CONF="$WORK/softhsm2.conf"
for token in bench-cks bench-xks; do
  softhsm2-util --init-token --free --label "$token" --so-pin 12345678 --pin "$PIN" >/dev/null
done
pkcs11-tool --module "$MODULE" --token-label bench-xks --login --pin "$PIN" --keygen --key-type AES:32 --label bench-key --sensitive >/dev/null

cat >"$WORK/xks.yaml" <<YAML
listen: 127.0.0.1:$XKS_PORT
region: us-east-1
credentials:
  - accessKeyId: $XKS_ACCESS
    secretAccessKeyEnv: XKS_SECRET
pkcs11:
  module: $MODULE
  tokenLabel: bench-xks
  pinEnv: XKS_PKCS11_PIN
auditLog: $WORK/xks-audit.jsonl
keys:
  - id: bench-key
    allow:
      - principals: ["*"]
        operations: [encrypt, decrypt, metadata]
YAML

"$TRENT_BIN" serve --listen "127.0.0.1:$PORT" --data "$WORK/data" >"$WORK/server.log" 2>&1 &
PID=$!
"$TRENT_BIN" xks-proxy --config "$WORK/xks.yaml" >"$WORK/xks.log" 2>&1 &
XKS_PID=$!
trap 'kill $PID $XKS_PID 2>/dev/null; wait $PID $XKS_PID 2>/dev/null; rm -rf "$WORK"' EXIT
wait_for "http://127.0.0.1:$PORT/health"
wait_for "http://127.0.0.1:$XKS_PORT/ping"

"$TRENT_BIN" hsm register --module "$MODULE" --token-label bench-cks --trust-anchor-out "$WORK/anchor.pem" --data "$WORK/data" >"$WORK/cluster.json"
KEYS="$(python3 - "$PORT" "$XKS_PORT" "$WORK" <<'PY'
import json, sys, boto3
port, xks_port, work = sys.argv[1:4]
kms = boto3.client("kms", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                   aws_access_key_id="AKIATRENTBENCHMARK01", aws_secret_access_key="trentBenchmarkSecretKey0123456789abcdefg")
cluster = json.load(open(f"{work}/cluster.json"))
cks = kms.create_custom_key_store(CustomKeyStoreName="bench-cks", CloudHsmClusterId=cluster["ClusterId"],
                                  TrustAnchorCertificate=cluster["TrustAnchorCertificate"], KeyStorePassword="benchmark-pin")["CustomKeyStoreId"]
kms.connect_custom_key_store(CustomKeyStoreId=cks)
xks = kms.create_custom_key_store(
    CustomKeyStoreName="bench-xks", CustomKeyStoreType="EXTERNAL_KEY_STORE", XksProxyConnectivity="PUBLIC_ENDPOINT",
    XksProxyUriEndpoint=f"http://127.0.0.1:{xks_port}", XksProxyUriPath="/kms/xks/v1",
    XksProxyAuthenticationCredential={"AccessKeyId": "BENCHMARKXKSACCESSKEYIDAAAA",
                                      "RawSecretAccessKey": "YmVuY2htYXJrLXhrcy1zZWNyZXQtYWNjZXNzLWtleS0wMQ=="})["CustomKeyStoreId"]
kms.connect_custom_key_store(CustomKeyStoreId=xks)
print("software", kms.create_key()["KeyMetadata"]["Arn"])
print("pkcs11", kms.create_key(Origin="AWS_CLOUDHSM", CustomKeyStoreId=cks)["KeyMetadata"]["Arn"])
print("xks", kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=xks, XksKeyId="bench-key")["KeyMetadata"]["Arn"])
PY
)"

while read -r store arn; do
  script="$WORK/$store.lua"
  python3 "$HERE/sign_request.py" --endpoint "http://127.0.0.1:$PORT" --operation Encrypt --key-id "$arn" --out "$script" 2>/dev/null
  wrk_summary "Encrypt ($store key store)" "$script" "$PORT"
done <<<"$KEYS"
