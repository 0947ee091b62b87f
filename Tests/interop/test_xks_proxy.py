"""`trent xks-proxy`: the XKS Proxy API of AWS KMS external key stores, over
AES-256 keys that pkcs11-tool made in a SoftHSMv2 token. The requests are the
JSON bodies of the public spec's examples (aws/aws-kms-xksproxy-api-spec,
spec/xks_proxy_api_spec.md) with our key IDs, signed here with botocore's
SigV4Auth for the service `kms-xks-proxy` and sent with urllib. One key is
imported from known bytes so that Python's `cryptography` can check the
proxy's AES-GCM independently of the token."""

from __future__ import annotations

import base64
import hashlib
import json
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Optional

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import clean_env, free_port, make_tls_files, trent_binary
from test_custom_key_store import PIN, SOFTHSM_MODULE, SoftHSM

REGION = "us-east-2"
PREFIX = "/keystores/4a0d79d6-1d1b-49fd-9dbe-799cb9c0fb3f"
TOKEN = "xks"
KEY = "b42c7fbf-de61-441c-ae24-123456789012"  # the spec's XKS_KEY_ID (Appendix D)
KNOWN_KEY = "known-key"  # imported from KNOWN_KEY_BYTES, for the independent AES-GCM check
LIMITED_KEY = "metadata-only"
DISABLED_KEY = "disabled-key"
MISSING_KEY = "configured-not-made"
KNOWN_KEY_BYTES = bytes(range(32))

# Credential pairs from the spec's examples (the console file and Appendix D).
ACCESS_1, SECRET_1 = "AKIAI2SFODNN7EXAMPLE", "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE"
ACCESS_2, SECRET_2 = "HGIE2BUAFNDMBCMSQVWLGCEXAMPLE", "VU6W2byoiBrhDqNGbx703oL0syCAmhlQgwNUT123456"

ALICE = "arn:aws:iam::123456789012:user/Alice"
BOB = "arn:aws:iam::123456789012:user/Bob"
MALLORY = "arn:aws:iam::999999999999:user/Mallory"

# The spec's request examples, verbatim but for the GetKeyMetadata one, which lacks a comma after kmsKeyArn.
METADATA_EXAMPLE = {
    "requestMetadata": {
        "awsPrincipalArn": "arn:aws:iam::123456789012:user/Alice",
        "kmsKeyArn": "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "kmsOperation": "DescribeKey",
        "kmsRequestId": "4112f4d6-db54-4af4-ae30-c55a22a8dfae",
        "kmsViaService": "ebs",
    }
}
ENCRYPT_EXAMPLE = {
    "requestMetadata": {
        "awsPrincipalArn": "arn:aws:iam::123456789012:user/Alice",
        "kmsKeyArn": "arn:aws:kms:us-east-2:123456789012:/key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "kmsOperation": "Encrypt",
        "kmsRequestId": "4112f4d6-db54-4af4-ae30-c55a22a8dfae",
        "kmsViaService": "ebs",
    },
    "additionalAuthenticatedData": "cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n",
    "plaintext": "SGVsbG8gV29ybGQh",
    "encryptionAlgorithm": "AES_GCM",
    "ciphertextDataIntegrityValueAlgorithm": "SHA_256",
}
DECRYPT_EXAMPLE = {
    "requestMetadata": {
        "awsPrincipalArn": "arn:aws:iam::123456789012:user/Alice",
        "kmsKeyArn": "arn:aws:kms:us-east-2:123456789012:/key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "kmsOperation": "Decrypt",
        "kmsRequestId": "5112f4d6-db54-4af4-ae30-c55a22a8dfae",
        "kmsViaService": "ebs",
    },
    "additionalAuthenticatedData": "cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n",
    "encryptionAlgorithm": "AES_GCM",
    "ciphertext": "ghxkK1txeDNn3q8Y",
    "ciphertextMetadata": "a2V5X3ZlcnNpb249MQ==",
    "initializationVector": "HMrlRw85cAJUd5Ax",
    "authenticationTag": "vBxN2ncH1oEkR8WVXpmyYQ==",
}
# Appendix D's encrypt request: no AAD, no integrity value.
APPENDIX_D_ENCRYPT = {
    "requestMetadata": {
        "awsPrincipalArn": "arn:aws:iam::123456789012:user/Alice",
        "kmsKeyArn": "arn:aws:kms:us-east-2:123456789012:/key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "kmsOperation": "GenerateDataKey",
        "kmsRequestId": "4112f4d6-db54-4af4-ae30-c55a22a8dfae",
    },
    "plaintext": "SGVsbG8gV29ybGQh",
    "encryptionAlgorithm": "AES_GCM",
}
HEALTH_EXAMPLE = {"requestMetadata": {"kmsRequestId": "4112f4d6-db54-4af4-ae30-c55a22a8dfae", "kmsOperation": "CreateCustomKeyStore"}}

# A plaintext that must never reach the audit log, in any encoding.
SECRET_PLAINTEXT = b"never-in-the-audit-log: 7f3c9a1e"


def with_metadata(body: dict, **changes: Any) -> dict:
    out = json.loads(json.dumps(body))
    out["requestMetadata"].update(changes)
    return out


def config_yaml(port: int, audit_log: Path, *, listen_host: str = "127.0.0.1", tls: Optional[tuple[Path, Path]] = None) -> str:
    tls_block = f"tls:\n  certificate: {tls[0]}\n  privateKey: {tls[1]}\n" if tls else ""
    return f"""
listen: {listen_host}:{port}
region: {REGION}
uriPathPrefix: {PREFIX}
{tls_block}credentials:
  - accessKeyId: {ACCESS_1}
    secretAccessKeyEnv: XKS_SECRET_1
  - accessKeyId: {ACCESS_2}
    secretAccessKeyEnv: XKS_SECRET_2
pkcs11:
  module: {SOFTHSM_MODULE}
  tokenLabel: {TOKEN}
  pinEnv: XKS_PKCS11_PIN
auditLog: {audit_log}
keys:
  - id: {KEY}
    allow:
      - principals: ["arn:aws:iam::123456789012:user/*"]
        operations: [encrypt, decrypt, metadata]
  - id: {KNOWN_KEY}
    allow:
      - principals: ["{ALICE}"]
        operations: [encrypt, decrypt, metadata]
  - id: {LIMITED_KEY}
    allow:
      - principals: ["{ALICE}"]
        operations: [encrypt, decrypt, metadata]
      - principals: ["{BOB}"]
        operations: [metadata]
  - id: {DISABLED_KEY}
    disabled: true
    allow:
      - principals: ["*"]
        operations: [encrypt, decrypt, metadata]
  - id: {MISSING_KEY}
    allow:
      - principals: ["*"]
        operations: [metadata]
"""


class XKSProxy:
    """A `trent xks-proxy` process, and every API request sent to it (for the audit log's count)."""

    def __init__(self, directory: Path, hsm: SoftHSM, config_text: str, port: int, scheme: str = "http", ca: Optional[Path] = None) -> None:
        self.directory = directory
        self.port = port
        self.scheme = scheme
        self.ca = ca
        self.config = directory / "xks.yaml"
        self.config.write_text(config_text)
        self.log = directory / "xks-proxy.log"
        self.env = clean_env({**hsm.env, "XKS_PKCS11_PIN": PIN, "XKS_SECRET_1": SECRET_1, "XKS_SECRET_2": SECRET_2})
        self.proc: Optional[subprocess.Popen] = None
        self.requests_sent = 0

    def start(self) -> "XKSProxy":
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(trent_binary()), "xks-proxy", "--config", str(self.config)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env, cwd=str(self.directory),
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"trent xks-proxy exited with {self.proc.returncode}:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base}/ping", timeout=1, context=self.ssl_context()) as response:
                    if response.status == 200:
                        return self
            except Exception:
                time.sleep(0.1)
        self.proc.kill()
        raise RuntimeError(f"trent xks-proxy did not start:\n{self.log.read_text()}")

    def stop(self) -> Optional[int]:
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            return None

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def ssl_context(self):
        import ssl

        return ssl.create_default_context(cafile=str(self.ca)) if self.ca else None

    def url(self, api: str, prefix: str = PREFIX) -> str:
        return f"{self.base}{prefix}/kms/xks/v1/{api}"

    def call(
        self, api: str, body: Any, *, access_key: str = ACCESS_1, secret: str = SECRET_1, prefix: str = PREFIX,
        service: str = "kms-xks-proxy", method: str = "POST", tamper=None,
    ) -> tuple[int, dict]:
        """Signs `body` (a dict, or raw bytes) with botocore and sends it; returns the status and the JSON answer."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        url = self.url(api, prefix)
        request = botocore.awsrequest.AWSRequest(method=method, url=url, data=data, headers={"Content-Type": "application/json"})
        botocore.auth.SigV4Auth(botocore.credentials.Credentials(access_key, secret), service, REGION).add_auth(request)
        headers = dict(request.prepare().headers)
        if tamper:
            data = tamper(data)
        wire = urllib.request.Request(url, data=data if method == "POST" else None, headers=headers, method=method)
        self.requests_sent += 1
        try:
            with urllib.request.urlopen(wire, timeout=10, context=self.ssl_context()) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def hsm(tmp_path_factory) -> SoftHSM:
    softhsm = SoftHSM(tmp_path_factory.mktemp("softhsm-xks"))
    softhsm.init_token(TOKEN)
    # The operator's step: keys made in the token, sensitive and never extractable, before the proxy starts.
    for label in (KEY, LIMITED_KEY, DISABLED_KEY):
        softhsm.pkcs11_tool(TOKEN, "--keygen", "--key-type", "AES:32", "--label", label, "--sensitive")
    known = tmp_path_factory.mktemp("known") / "key.bin"
    known.write_bytes(KNOWN_KEY_BYTES)
    softhsm.pkcs11_tool(TOKEN, "--write-object", str(known), "--type", "secrkey", "--key-type", "AES:32", "--label", KNOWN_KEY)
    return softhsm


@pytest.fixture(scope="module")
def proxy(hsm, tmp_path_factory):
    directory = tmp_path_factory.mktemp("xks-proxy")
    port = free_port()
    server = XKSProxy(directory, hsm, config_yaml(port, directory / "audit.jsonl"), port).start()
    yield server
    assert server.stop() == 0, server.log.read_text()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def encrypt(proxy: XKSProxy, key: str, body: dict) -> dict:
    status, answer = proxy.call(f"keys/{key}/encrypt", body)
    assert status == 200, answer
    return answer


def decrypt_body(encrypted: dict, aad: Optional[str]) -> dict:
    body = json.loads(json.dumps(DECRYPT_EXAMPLE))
    del body["ciphertextMetadata"]  # this proxy returns none
    body.update(ciphertext=encrypted["ciphertext"], initializationVector=encrypted["initializationVector"], authenticationTag=encrypted["authenticationTag"])
    if aad is None:
        del body["additionalAuthenticatedData"]
    else:
        body["additionalAuthenticatedData"] = aad
    return body


def test_health_answers_the_spec_shape(proxy):
    status, answer = proxy.call("health", HEALTH_EXAMPLE)
    assert status == 200, answer
    assert set(answer) == {"xksProxyFleetSize", "xksProxyVendor", "xksProxyModel", "ekmVendor", "ekmFleetDetails"}
    assert answer["xksProxyFleetSize"] == 1 and answer["xksProxyVendor"] == "Trent"
    assert answer["xksProxyModel"].startswith("Trent XKS Proxy ") and answer["ekmVendor"] == "SoftHSM project"
    [hsm] = answer["ekmFleetDetails"]
    assert set(hsm) == {"id", "model", "healthStatus"} and hsm["healthStatus"] == "ACTIVE" and hsm["model"] == "SoftHSM v2" and hsm["id"]


def test_get_key_metadata(proxy):
    status, answer = proxy.call(f"keys/{KEY}/metadata", METADATA_EXAMPLE)
    assert (status, answer) == (200, {"keySpec": "AES_256", "keyUsage": ["ENCRYPT", "DECRYPT"], "keyStatus": "ENABLED"})
    status, answer = proxy.call(f"keys/{DISABLED_KEY}/metadata", METADATA_EXAMPLE)
    assert (status, answer["keyStatus"]) == (200, "DISABLED")
    # KMS's CreateKey learns from this that the key exists: configured is not enough.
    status, answer = proxy.call(f"keys/{MISSING_KEY}/metadata", METADATA_EXAMPLE)
    assert (status, answer["errorName"]) == (404, "KeyNotFoundException")


def test_encrypt_with_aad_and_integrity_value_then_decrypt(proxy):
    encrypted = encrypt(proxy, KEY, ENCRYPT_EXAMPLE)
    assert set(encrypted) == {"ciphertext", "initializationVector", "authenticationTag", "ciphertextDataIntegrityValue"}
    aad, iv, ciphertext, tag = (unb64(ENCRYPT_EXAMPLE["additionalAuthenticatedData"]), unb64(encrypted["initializationVector"]),
                                unb64(encrypted["ciphertext"]), unb64(encrypted["authenticationTag"]))
    assert len(iv) == 12 and len(tag) == 16 and len(ciphertext) == len(b"Hello World!")
    # Appendix C: SHA-256 over AAD ‖ (no ciphertextMetadata) ‖ IV ‖ ciphertext ‖ tag.
    assert unb64(encrypted["ciphertextDataIntegrityValue"]) == hashlib.sha256(aad + iv + ciphertext + tag).digest()
    status, answer = proxy.call(f"keys/{KEY}/decrypt", decrypt_body(encrypted, ENCRYPT_EXAMPLE["additionalAuthenticatedData"]))
    assert (status, answer) == (200, {"plaintext": "SGVsbG8gV29ybGQh"})


def test_each_encryption_has_a_fresh_iv(proxy):
    first, second = encrypt(proxy, KEY, APPENDIX_D_ENCRYPT), encrypt(proxy, KEY, APPENDIX_D_ENCRYPT)
    assert first["initializationVector"] != second["initializationVector"] and first["ciphertext"] != second["ciphertext"]


def test_encrypt_without_aad_or_integrity_value(proxy):
    encrypted = encrypt(proxy, KEY, APPENDIX_D_ENCRYPT)
    assert "ciphertextDataIntegrityValue" not in encrypted
    status, answer = proxy.call(f"keys/{KEY}/decrypt", decrypt_body(encrypted, None))
    assert (status, answer) == (200, {"plaintext": "SGVsbG8gV29ybGQh"})
    # The integrity value without AAD covers IV ‖ ciphertext ‖ tag only.
    body = dict(APPENDIX_D_ENCRYPT, ciphertextDataIntegrityValueAlgorithm="SHA_256")
    encrypted = encrypt(proxy, KEY, body)
    parts = b"".join(unb64(encrypted[f]) for f in ("initializationVector", "ciphertext", "authenticationTag"))
    assert unb64(encrypted["ciphertextDataIntegrityValue"]) == hashlib.sha256(parts).digest()


def test_the_cipher_is_plain_aes_gcm_with_the_aad(proxy):
    """Python's AES-GCM, with the imported key's bytes, agrees with the token both ways."""
    body = with_metadata(ENCRYPT_EXAMPLE)
    body["plaintext"] = b64(SECRET_PLAINTEXT)
    encrypted = encrypt(proxy, KNOWN_KEY, body)
    aad = unb64(ENCRYPT_EXAMPLE["additionalAuthenticatedData"])
    aes = AESGCM(KNOWN_KEY_BYTES)
    iv = unb64(encrypted["initializationVector"])
    assert aes.decrypt(iv, unb64(encrypted["ciphertext"]) + unb64(encrypted["authenticationTag"]), aad) == SECRET_PLAINTEXT
    sealed = aes.encrypt(b"\x01" * 12, SECRET_PLAINTEXT, aad)
    status, answer = proxy.call(
        f"keys/{KNOWN_KEY}/decrypt",
        decrypt_body({"ciphertext": b64(sealed[:-16]), "initializationVector": b64(b"\x01" * 12), "authenticationTag": b64(sealed[-16:])},
                     ENCRYPT_EXAMPLE["additionalAuthenticatedData"]),
    )
    assert (status, answer) == (200, {"plaintext": b64(SECRET_PLAINTEXT)})


def test_a_tampered_tag_or_wrong_aad_is_an_invalid_ciphertext(proxy):
    encrypted = encrypt(proxy, KEY, ENCRYPT_EXAMPLE)
    tag = bytearray(unb64(encrypted["authenticationTag"]))
    tag[0] ^= 1
    tampered = dict(encrypted, authenticationTag=b64(bytes(tag)))
    aad = ENCRYPT_EXAMPLE["additionalAuthenticatedData"]
    for body in (
        decrypt_body(tampered, aad),
        decrypt_body(encrypted, b64(b"project=nile,department=sales")),
        decrypt_body(encrypted, None),
        dict(decrypt_body(encrypted, aad), ciphertextMetadata="a2V5X3ZlcnNpb249MQ=="),  # not one this proxy wrote
    ):
        status, answer = proxy.call(f"keys/{KEY}/decrypt", body)
        assert (status, answer["errorName"]) == (400, "InvalidCiphertextException"), body
        assert "plaintext" not in answer
    # The spec's own decrypt example was made under some other key.
    status, answer = proxy.call(f"keys/{KEY}/decrypt", DECRYPT_EXAMPLE)
    assert (status, answer["errorName"]) == (400, "InvalidCiphertextException")


def test_unknown_key(proxy):
    for operation, body in (("metadata", METADATA_EXAMPLE), ("encrypt", ENCRYPT_EXAMPLE), ("decrypt", DECRYPT_EXAMPLE)):
        status, answer = proxy.call(f"keys/no-such-key/{operation}", body)
        assert (status, answer["errorName"]) == (404, "KeyNotFoundException")


def test_bad_signatures_fail_authentication(proxy):
    cases = [
        dict(secret=SECRET_2),  # ACCESS_1 signed with the other secret
        dict(access_key="AAAAAAAAAAAAAAAAAAAAAAAA"),
        dict(service="kms"),
        dict(tamper=lambda data: data.replace(b"SGVsbG8gV29ybGQh", b"SGVsbG8gV29ybGQ/")),  # body changed after signing
    ]
    for case in cases:
        status, answer = proxy.call(f"keys/{KEY}/encrypt", ENCRYPT_EXAMPLE, **case)
        assert (status, answer["errorName"]) == (401, "AuthenticationFailedException"), case
    status, answer = proxy.call("health", HEALTH_EXAMPLE, secret=SECRET_2)
    assert (status, answer["errorName"]) == (401, "AuthenticationFailedException")


def test_the_second_credential_pair_works_too(proxy):
    status, answer = proxy.call("health", HEALTH_EXAMPLE, access_key=ACCESS_2, secret=SECRET_2)
    assert status == 200, answer
    status, encrypted = proxy.call(f"keys/{KEY}/encrypt", ENCRYPT_EXAMPLE, access_key=ACCESS_2, secret=SECRET_2)
    assert status == 200, encrypted
    status, answer = proxy.call(
        f"keys/{KEY}/decrypt", decrypt_body(encrypted, ENCRYPT_EXAMPLE["additionalAuthenticatedData"]), access_key=ACCESS_2, secret=SECRET_2
    )
    assert (status, answer) == (200, {"plaintext": "SGVsbG8gV29ybGQh"})


def test_access_rules(proxy):
    def call(key: str, operation: str, principal: str) -> tuple[int, str]:
        body = {"metadata": METADATA_EXAMPLE, "encrypt": ENCRYPT_EXAMPLE, "decrypt": DECRYPT_EXAMPLE}[operation]
        status, answer = proxy.call(f"keys/{key}/{operation}", with_metadata(body, awsPrincipalArn=principal))
        return status, answer.get("errorName", "")

    denied = (403, "AccessDeniedException")
    # A caller from another account, for a key that allows one account's users (a wildcard).
    assert call(KEY, "encrypt", MALLORY) == denied
    assert call(KEY, "metadata", MALLORY) == denied
    assert call(KEY, "encrypt", BOB)[0] == 200
    # Bob may read the limited key's metadata but not use it; Alice may.
    assert call(LIMITED_KEY, "metadata", BOB)[0] == 200
    assert call(LIMITED_KEY, "encrypt", BOB) == denied
    assert call(LIMITED_KEY, "decrypt", BOB) == denied
    assert call(LIMITED_KEY, "encrypt", ALICE)[0] == 200
    # An exact ARN is not a prefix.
    assert call(KNOWN_KEY, "metadata", ALICE + "2") == denied
    # A disabled key is readable but unusable.
    assert call(DISABLED_KEY, "encrypt", ALICE) == (400, "InvalidStateException")


def test_wrong_path_prefix_or_path(proxy):
    for prefix, api in (("/other-tenant", f"keys/{KEY}/encrypt"), ("", "health"), (PREFIX, f"keys/{KEY}/sign"), (PREFIX, "keys")):
        status, answer = proxy.call(api, ENCRYPT_EXAMPLE, prefix=prefix)
        assert (status, answer["errorName"]) == (404, "InvalidUriPathException"), (prefix, api)


def test_get_is_not_allowed(proxy):
    status, answer = proxy.call("health", HEALTH_EXAMPLE, method="GET")
    assert status == 405, answer


def test_malformed_bodies_are_validation_errors(proxy):
    bad = [
        b"{not json",
        json.dumps(dict(ENCRYPT_EXAMPLE, encryptionAlgorithm="AES_CBC")).encode(),
        json.dumps(dict(ENCRYPT_EXAMPLE, plaintext="not base64!")).encode(),
        json.dumps(dict(ENCRYPT_EXAMPLE, ciphertextDataIntegrityValueAlgorithm="MD5")).encode(),
        json.dumps({k: v for k, v in ENCRYPT_EXAMPLE.items() if k != "plaintext"}).encode(),
        json.dumps(with_metadata(ENCRYPT_EXAMPLE, kmsRequestId=None)).encode(),
        json.dumps(dict(ENCRYPT_EXAMPLE, plaintext=5)).encode(),
    ]
    for body in bad:
        status, answer = proxy.call(f"keys/{KEY}/encrypt", body)
        assert (status, answer["errorName"]) == (400, "ValidationException"), body
    status, answer = proxy.call(f"keys/{KEY}/decrypt", dict(DECRYPT_EXAMPLE, authenticationTag=b64(b"short")))
    assert (status, answer["errorName"]) == (400, "ValidationException")


def test_audit_log_has_one_line_per_request_and_no_plaintext(proxy):
    """Last in the module: every request the tests above sent is in the log."""
    encrypted = encrypt(proxy, KNOWN_KEY, dict(APPENDIX_D_ENCRYPT, plaintext=b64(SECRET_PLAINTEXT)))
    status, answer = proxy.call(f"keys/{KNOWN_KEY}/decrypt", decrypt_body(encrypted, None))
    assert (status, answer["plaintext"]) == (200, b64(SECRET_PLAINTEXT))
    raw = (proxy.directory / "audit.jsonl").read_bytes()
    lines = [json.loads(line) for line in raw.splitlines()]
    assert len(lines) == proxy.requests_sent
    for needle in (SECRET_PLAINTEXT, b64(SECRET_PLAINTEXT).encode(), b"Hello World!", b"SGVsbG8gV29ybGQh",
                   encrypted["ciphertext"].encode(), KNOWN_KEY_BYTES, b64(KNOWN_KEY_BYTES).encode()):
        assert needle not in raw, needle
    decrypt_line = lines[-1]
    assert decrypt_line["operation"] == "Decrypt" and decrypt_line["keyId"] == KNOWN_KEY and decrypt_line["outcome"] == "success"
    assert decrypt_line["kmsRequestId"] == DECRYPT_EXAMPLE["requestMetadata"]["kmsRequestId"]
    assert decrypt_line["awsPrincipalArn"] == ALICE and decrypt_line["accessKeyId"] == ACCESS_1 and decrypt_line["httpStatus"] == 200
    assert decrypt_line["time"].endswith("Z")
    failures = [line for line in lines if line["outcome"] == "failure"]
    assert {line["errorName"] for line in failures} >= {
        "AuthenticationFailedException", "AccessDeniedException", "KeyNotFoundException", "InvalidUriPathException",
        "InvalidCiphertextException", "ValidationException",
    }
    denied = next(line for line in failures if line["errorName"] == "AccessDeniedException")
    assert denied["httpStatus"] == 403 and denied["awsPrincipalArn"] == MALLORY
    assert oct((proxy.directory / "audit.jsonl").stat().st_mode & 0o777) == "0o600"


def test_plain_http_is_refused_off_loopback(hsm, tmp_path):
    cp = subprocess.run(
        [str(trent_binary()), "xks-proxy", "--config", str(_write(tmp_path, config_yaml(free_port(), tmp_path / "a.jsonl", listen_host="0.0.0.0")))],
        env=clean_env({**hsm.env, "XKS_PKCS11_PIN": PIN, "XKS_SECRET_1": SECRET_1, "XKS_SECRET_2": SECRET_2}),
        capture_output=True, text=True, timeout=30,
    )
    assert cp.returncode != 0 and "loopback" in cp.stderr, cp.stderr
    assert not (tmp_path / "a.jsonl").exists()


def test_a_missing_secret_is_refused(hsm, tmp_path):
    cp = subprocess.run(
        [str(trent_binary()), "xks-proxy", "--config", str(_write(tmp_path, config_yaml(free_port(), tmp_path / "a.jsonl")))],
        env=clean_env({**hsm.env, "XKS_SECRET_1": SECRET_1, "XKS_SECRET_2": SECRET_2}), capture_output=True, text=True, timeout=30,
    )
    assert cp.returncode != 0 and "XKS_PKCS11_PIN" in cp.stderr, cp.stderr


def test_https(hsm, tmp_path):
    files = make_tls_files(tmp_path / "tls", name="xks")
    port = free_port()
    server = XKSProxy(tmp_path, hsm, config_yaml(port, tmp_path / "audit.jsonl", listen_host="0.0.0.0", tls=(files.cert, files.key)), port,
                      scheme="https", ca=files.ca).start()
    try:
        status, answer = server.call("health", HEALTH_EXAMPLE)
        assert (status, answer["ekmFleetDetails"][0]["healthStatus"]) == (200, "ACTIVE")
        encrypted = encrypt(server, KEY, ENCRYPT_EXAMPLE)
        status, answer = server.call(f"keys/{KEY}/decrypt", decrypt_body(encrypted, ENCRYPT_EXAMPLE["additionalAuthenticatedData"]))
        assert (status, answer) == (200, {"plaintext": "SGVsbG8gV29ybGQh"})
    finally:
        assert server.stop() == 0, server.log.read_text()


def _write(directory: Path, text: str) -> Path:
    path = directory / "xks.yaml"
    path.write_text(text)
    return path
