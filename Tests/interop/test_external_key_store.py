"""External key stores end to end: Trent as the XKS client of `trent xks-proxy`,
which holds the external keys in a SoftHSMv2 token (made there with
pkcs11-tool). Driven through the AWS CLI and boto3 unchanged: create and
connect the store, create keys with XksKeyId, double-encrypt; then the kill
switch: with the proxy stopped, frozen or back again."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from conftest import TLSFiles, TrentServer, assert_client_error, aws, aws_json, clean_env, free_port, make_tls_files, trent_binary
from test_custom_key_store import PIN, SOFTHSM_MODULE, SoftHSM, cli_env

PREFIX = "/trent-e2e"
ACCESS, SECRET = "BSJM3PZKOVHVBJGWJNVBKOMEXAMPLE", "c2VjcmV0LWFjY2Vzcy1rZXktZm9yLXRoZS14a3MtcHJveHk="
OTHER_ACCESS, OTHER_SECRET = "CZJM3PZKOVHVBJGWJNVBKOMEXAMPLE", "b3RoZXItc2VjcmV0LWFjY2Vzcy1rZXktZm9yLXRoZS1wcm94eQ="
KEY, SECOND_KEY, DISABLED_KEY = "e2e-key", "e2e-second", "e2e-disabled"


class Proxy:
    """A `trent xks-proxy` on a fixed port, so that it can be stopped and started again."""

    def __init__(self, directory: Path, hsm: SoftHSM, region: str, tls: TLSFiles | None = None) -> None:
        self.port = free_port()
        self.hsm = hsm
        self.tls = tls
        directory.mkdir(parents=True, exist_ok=True)
        tls_block = f"tls:\n  certificate: {tls.cert}\n  privateKey: {tls.key}\n" if tls else ""
        self.directory = directory
        self.audit = directory / "audit.jsonl"
        self.config = directory / "xks.yaml"
        self.config.write_text(f"""
listen: 127.0.0.1:{self.port}
region: {region}
uriPathPrefix: {PREFIX}
{tls_block}credentials:
  - accessKeyId: {ACCESS}
    secretAccessKeyEnv: XKS_SECRET
pkcs11:
  module: {SOFTHSM_MODULE}
  tokenLabel: xks-e2e
  pinEnv: XKS_PKCS11_PIN
auditLog: {self.audit}
keys:
  - id: {KEY}
    allow:
      - principals: ["*"]
        operations: [encrypt, decrypt, metadata]
  - id: {SECOND_KEY}
    allow:
      - principals: ["*"]
        operations: [encrypt, decrypt, metadata]
  - id: {DISABLED_KEY}
    disabled: true
    allow:
      - principals: ["*"]
        operations: [encrypt, decrypt, metadata]
""")
        self.env = clean_env({**hsm.env, "XKS_PKCS11_PIN": PIN, "XKS_SECRET": SECRET})
        self.proc: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> "Proxy":
        log = open(self.directory / "proxy.log", "ab")
        self.proc = subprocess.Popen(
            [str(trent_binary()), "xks-proxy", "--config", str(self.config)], stdout=log, stderr=subprocess.STDOUT, env=self.env
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (self.directory / "proxy.log").read_text()
            try:
                import socket

                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("trent xks-proxy did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            self.proc.wait(timeout=15)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    hsm = SoftHSM(tmp_path_factory.mktemp("softhsm-xks"))
    hsm.init_token("xks-e2e")
    for label in (KEY, SECOND_KEY, DISABLED_KEY):
        hsm.pkcs11_tool("xks-e2e", "--keygen", "--key-type", "AES:32", "--label", label, "--sensitive")
    server = TrentServer(tmp_path_factory.mktemp("trent-xks") / "data")
    server.start()
    proxy = Proxy(tmp_path_factory.mktemp("proxy"), hsm, server.region).start()
    yield server, proxy
    proxy.stop()
    server.stop()


def create_store(kms, proxy: Proxy, **overrides) -> str:
    args = {
        "CustomKeyStoreName": f"xks-{uuid.uuid4().hex[:8]}", "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
        "XksProxyConnectivity": "PUBLIC_ENDPOINT", "XksProxyUriEndpoint": proxy.endpoint, "XksProxyUriPath": f"{PREFIX}/kms/xks/v1",
        "XksProxyAuthenticationCredential": {"AccessKeyId": ACCESS, "RawSecretAccessKey": SECRET},
    }
    args.update(overrides)
    return kms.create_custom_key_store(**args)["CustomKeyStoreId"]


@pytest.fixture(scope="module")
def xks_key(setup):
    server, proxy = setup
    kms = server.client()
    store_id = create_store(kms, proxy, XksProxyUriEndpoint=f"http://localhost:{proxy.port}")
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    key_id = kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=KEY)["KeyMetadata"]["KeyId"]
    return kms, store_id, key_id


def test_management_errors(setup, xks_key):
    # First in the module: the endpoint http://127.0.0.1:PORT is still free (the AWS CLI test takes it).
    server, proxy = setup
    kms, store_id, _ = xks_key
    assert_client_error(lambda: create_store(kms, proxy, XksProxyAuthenticationCredential={
        "AccessKeyId": OTHER_ACCESS, "RawSecretAccessKey": OTHER_SECRET}), "XksProxyIncorrectAuthenticationCredentialException")
    assert_client_error(lambda: create_store(kms, proxy, XksProxyUriEndpoint=f"http://127.0.0.1:{free_port()}"), "XksProxyUriUnreachableException")
    assert_client_error(lambda: create_store(kms, proxy, XksProxyUriEndpoint="http://xks.example.com"), "XksProxyInvalidConfigurationException")
    assert_client_error(lambda: create_store(kms, proxy, XksProxyUriPath="/wrong/path"), "ValidationException")
    assert_client_error(lambda: create_store(kms, proxy, XksProxyConnectivity="VPC_ENDPOINT_SERVICE"), "UnsupportedOperationException")
    # The same endpoint as the connected store's.
    assert_client_error(lambda: create_store(kms, proxy, XksProxyUriEndpoint=f"http://localhost:{proxy.port}"), "XksProxyUriEndpointInUseException")
    assert_client_error(lambda: kms.update_custom_key_store(CustomKeyStoreId=store_id, NewCustomKeyStoreName="n"),
                        "CustomKeyStoreInvalidStateException")


def test_external_key_store_through_the_aws_cli(setup, tmp_path):
    server, proxy = setup
    env = cli_env(server, tmp_path)
    store_id = aws_json(
        env, "kms", "create-custom-key-store", "--custom-key-store-name", f"cli-{uuid.uuid4().hex[:8]}",
        "--custom-key-store-type", "EXTERNAL_KEY_STORE", "--xks-proxy-connectivity", "PUBLIC_ENDPOINT",
        "--xks-proxy-uri-endpoint", proxy.endpoint, "--xks-proxy-uri-path", f"{PREFIX}/kms/xks/v1",
        "--xks-proxy-authentication-credential", f"AccessKeyId={ACCESS},RawSecretAccessKey={SECRET}",
    )["CustomKeyStoreId"]
    entry = aws_json(env, "kms", "describe-custom-key-stores", "--custom-key-store-id", store_id)["CustomKeyStores"][0]
    assert entry["ConnectionState"] == "DISCONNECTED" and entry["CustomKeyStoreType"] == "EXTERNAL_KEY_STORE"
    assert entry["XksProxyConfiguration"] == {
        "Connectivity": "PUBLIC_ENDPOINT", "AccessKeyId": ACCESS, "UriEndpoint": proxy.endpoint, "UriPath": f"{PREFIX}/kms/xks/v1",
    }
    aws(env, "kms", "connect-custom-key-store", "--custom-key-store-id", store_id)
    assert aws_json(env, "kms", "describe-custom-key-stores", "--custom-key-store-id", store_id)["CustomKeyStores"][0]["ConnectionState"] == "CONNECTED"

    metadata = aws_json(
        env, "kms", "create-key", "--origin", "EXTERNAL_KEY_STORE", "--custom-key-store-id", store_id, "--xks-key-id", KEY,
    )["KeyMetadata"]
    assert metadata["Origin"] == "EXTERNAL_KEY_STORE" and metadata["XksKeyConfiguration"] == {"Id": KEY}
    assert metadata["CustomKeyStoreId"] == store_id
    plaintext = tmp_path / "plaintext"
    plaintext.write_bytes(b"double encrypted")
    blob = base64.b64decode(aws_json(
        env, "kms", "encrypt", "--key-id", metadata["KeyId"], "--plaintext", f"fileb://{plaintext}", "--encryption-context", "app=e2e",
    )["CiphertextBlob"])
    (tmp_path / "blob").write_bytes(blob)
    decrypted = aws_json(env, "kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'blob'}", "--encryption-context", "app=e2e")
    assert base64.b64decode(decrypted["Plaintext"]) == b"double encrypted"

    # The proxy saw who asked for what: the spec's requestMetadata, in its own audit log.
    lines = [json.loads(line) for line in proxy.audit.read_text().splitlines()]
    seen = json.dumps(lines)
    assert metadata["Arn"] in seen and "Encrypt" in seen and "Decrypt" in seen
    assert base64.b64encode(b"double encrypted").decode() not in seen and "double encrypted" not in seen
    aws(env, "kms", "disconnect-custom-key-store", "--custom-key-store-id", store_id)


def test_double_encryption_and_its_errors(setup, xks_key):
    server, proxy = setup
    kms, store_id, key_id = xks_key
    context = {"tenant": "t1"}
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4096, EncryptionContext=context)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == b"x" * 4096
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext={"tenant": "t2"}), "InvalidCiphertextException")
    tampered = bytearray(blob)
    tampered[60] ^= 1
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=bytes(tampered), EncryptionContext=context), "InvalidCiphertextException")
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
    software = kms.create_key()["KeyMetadata"]["KeyId"]
    moved = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=context, DestinationKeyId=software)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=moved)["Plaintext"] == b"x" * 4096

    assert_client_error(lambda: kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId="not-in-the-token"),
                        "XksKeyNotFoundException")
    assert_client_error(lambda: kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=DISABLED_KEY),
                        "XksKeyInvalidConfigurationException")
    assert_client_error(lambda: kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=KEY),
                        "XksKeyAlreadyInUseException")
    assert_client_error(lambda: kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id), "ValidationException")
    assert_client_error(lambda: kms.enable_key_rotation(KeyId=key_id), "UnsupportedOperationException")
    second = kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=SECOND_KEY)["KeyMetadata"]["KeyId"]
    assert kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=second, Plaintext=b"2")["CiphertextBlob"])["Plaintext"] == b"2"


def test_the_kill_switch(setup, xks_key):
    server, proxy = setup
    kms, store_id, key_id = xks_key
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"kill switch")["CiphertextBlob"]

    # Frozen: the proxy takes the connection but never answers; Trent gives up after 250 ms.
    os.kill(proxy.proc.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        error = assert_client_error(lambda: kms.decrypt(CiphertextBlob=blob), "KMSInvalidStateException")
        assert time.monotonic() - started < 2.0
        assert "XKS_PROXY_TIMED_OUT" in error.response["Error"]["Message"], error.response
    finally:
        os.kill(proxy.proc.pid, signal.SIGCONT)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kill switch"

    # Stopped: every cryptographic call on every key behind it fails at once.
    proxy.stop()
    for call in (lambda: kms.decrypt(CiphertextBlob=blob), lambda: kms.encrypt(KeyId=key_id, Plaintext=b"y"),
                 lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")):
        started = time.monotonic()
        error = assert_client_error(call, "KMSInvalidStateException")
        assert time.monotonic() - started < 2.0
        assert "XKS_PROXY" in error.response["Error"]["Message"], error.response
    assert kms.describe_custom_key_stores(CustomKeyStoreId=store_id)["CustomKeyStores"][0]["ConnectionState"] == "CONNECTED"

    # Back: the same keys work again, nothing to reconnect.
    proxy.start()
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kill switch"


def test_https_proxy_trusted_through_the_ca_bundle(setup, new_server, tmp_path):
    """As AWS requires: HTTPS to the proxy, its certificate checked against --xks-ca-bundle."""
    server, plain = setup
    tls = make_tls_files(tmp_path / "tls", name="xks-proxy")
    # A second proxy over the same token and keys, on HTTPS.
    proxy = Proxy(tmp_path / "https-proxy", plain.hsm, server.region, tls=tls)
    proxy.start()
    try:
        trusting = new_server(extra_args=("--xks-ca-bundle", str(tls.ca)))
        kms = trusting.client()
        store_id = create_store(kms, proxy)
        kms.connect_custom_key_store(CustomKeyStoreId=store_id)
        assert kms.describe_custom_key_stores(CustomKeyStoreId=store_id)["CustomKeyStores"][0]["ConnectionState"] == "CONNECTED"
        key_id = kms.create_key(Origin="EXTERNAL_KEY_STORE", CustomKeyStoreId=store_id, XksKeyId=KEY)["KeyMetadata"]["KeyId"]
        assert kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key_id, Plaintext=b"tls")["CiphertextBlob"])["Plaintext"] == b"tls"
        # A server that does not trust the proxy's CA cannot reach it.
        untrusting = new_server()
        assert_client_error(lambda: create_store(untrusting.client(), proxy), "XksProxyUriUnreachableException")
    finally:
        proxy.stop()
