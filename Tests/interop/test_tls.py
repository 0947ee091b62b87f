"""TLS on the listener: HTTPS for boto3 and the AWS CLI against a certificate
made in the test, only TLS 1.2+ with forward-secret AEAD suites, the
certificate replaced on SIGHUP (a broken replacement keeps the old one), and
settings that would serve plain HTTP off loopback, or with a broken
certificate, refused before anything is written."""

from __future__ import annotations

import json
import signal
import socket
import ssl
import subprocess
import time

import pytest

from conftest import aws_json, clean_env, make_tls_files, raw_call, trent_binary


def served_certificate(port: int, ca) -> bytes:
    """The DER certificate a fresh handshake presents, verified against `ca`."""
    context = ssl.create_default_context(cafile=str(ca))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return tls.getpeercert(binary_form=True)


@pytest.fixture
def tls_server(new_server, tmp_path):
    files = make_tls_files(tmp_path / "tls")
    return new_server(tls=files), files


def test_boto3_over_https(tls_server):
    srv, _ = tls_server
    assert srv.endpoint.startswith("https://")
    kms = srv.client()
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"over TLS", EncryptionContext={"a": "b"})["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"] == b"over TLS"


def test_aws_cli_over_https_with_ca_bundle(tls_server, tmp_path):
    srv, files = tls_server
    ak, sk = srv.credentials()
    env = clean_env({
        "AWS_ACCESS_KEY_ID": ak, "AWS_SECRET_ACCESS_KEY": sk, "AWS_DEFAULT_REGION": srv.region,
        "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1",
    })
    out = aws_json(env, "kms", "create-key", "--endpoint-url", srv.endpoint, "--ca-bundle", str(files.ca))
    assert out["KeyMetadata"]["Enabled"] is True
    listed = aws_json(env, "kms", "list-keys", "--endpoint-url", srv.endpoint, "--ca-bundle", str(files.ca))
    assert out["KeyMetadata"]["KeyId"] in [k["KeyId"] for k in listed["Keys"]]


def test_an_untrusted_certificate_is_refused_by_the_client(tls_server, tmp_path):
    srv, _ = tls_server
    stranger = make_tls_files(tmp_path / "stranger", name="stranger")
    with pytest.raises(ssl.SSLCertVerificationError):
        served_certificate(srv.port, stranger.ca)


def test_plain_http_to_the_tls_port_gets_no_http_answer(tls_server):
    srv, _ = tls_server
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(5)
        try:
            answer = s.recv(1024)
        except ConnectionResetError:
            answer = b""
    assert not answer.startswith(b"HTTP/"), answer


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1])
def test_old_protocol_versions_are_refused(tls_server, version):
    srv, files = tls_server
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(str(files.ca))
    context.minimum_version = version
    context.maximum_version = version
    try:
        context.set_ciphers("ALL:@SECLEVEL=0")
    except ssl.SSLError:
        pass
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as raw:
        with pytest.raises((ssl.SSLError, ConnectionResetError)):
            with context.wrap_socket(raw, server_hostname="127.0.0.1"):
                pass


def test_tls12_offers_only_forward_secret_aead_suites(tls_server):
    srv, files = tls_server
    for cipher, accepted in (
        ("ECDHE-ECDSA-AES128-GCM-SHA256", True),
        ("ECDHE-ECDSA-CHACHA20-POLY1305", True),
        ("ECDHE-ECDSA-AES128-SHA", False),
        ("ECDHE-ECDSA-AES256-SHA384", False),
    ):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_verify_locations(str(files.ca))
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers(cipher)
        with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as raw:
            if accepted:
                with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                    assert tls.version() == "TLSv1.2" and tls.cipher()[0] == cipher
            else:
                with pytest.raises(ssl.SSLError):
                    with context.wrap_socket(raw, server_hostname="127.0.0.1"):
                        pass


def test_tls13_is_served(tls_server):
    srv, files = tls_server
    context = files.context()
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.version() == "TLSv1.3"


def wait_for_certificate(port: int, ca, timeout: float = 10) -> bytes:
    """The certificate served once a handshake verifies against `ca`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return served_certificate(port, ca)
        except ssl.SSLCertVerificationError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def test_sighup_reloads_the_certificate_and_keeps_it_when_the_new_files_are_broken(tls_server, tmp_path):
    srv, files = tls_server
    first = served_certificate(srv.port, files.ca)
    kms = srv.client()
    kms.list_keys()
    # A new certificate from a new CA, written over the served files.
    renewed = make_tls_files(tmp_path / "renewed", name="renewed")
    files.cert.write_bytes(renewed.cert.read_bytes())
    files.key.write_bytes(renewed.key.read_bytes())
    srv.proc.send_signal(signal.SIGHUP)
    second = wait_for_certificate(srv.port, renewed.ca)
    assert second != first and second == served_certificate_der(renewed.cert)
    assert srv.is_running()
    # A client of the old CA no longer trusts new handshakes; one of the new CA does.
    with pytest.raises(ssl.SSLCertVerificationError):
        served_certificate(srv.port, files.ca)
    # A broken key: the server keeps the renewed certificate and goes on serving.
    files.key.write_text("-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n")
    srv.proc.send_signal(signal.SIGHUP)
    time.sleep(1)
    assert srv.is_running()
    assert served_certificate(srv.port, renewed.ca) == second
    assert "TLS certificate not reloaded" in srv.log_path.read_text()


def served_certificate_der(pem_path) -> bytes:
    return ssl.PEM_cert_to_DER_cert(pem_path.read_text())


def run_serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(trent_binary()), "serve", *args], capture_output=True, text=True, timeout=60, env=clean_env())


def test_broken_or_half_tls_settings_are_refused_before_anything_is_written(tmp_path):
    files = make_tls_files(tmp_path / "tls")
    other = make_tls_files(tmp_path / "other", name="other")
    data = tmp_path / "data"
    for args, complaint in (
        (["--tls-cert", str(files.cert)], "go together"),
        (["--tls-cert", str(files.cert), "--tls-key", str(other.key)], "do not make a TLS certificate"),
        (["--tls-cert", str(tmp_path / "missing.pem"), "--tls-key", str(files.key)], "do not make a TLS certificate"),
        (["--listen", "0.0.0.0:4599"], "--insecure-http"),
    ):
        cp = run_serve("--data", str(data), *args)
        assert cp.returncode != 0 and complaint in cp.stderr, (args, cp.stderr)
        assert not data.exists(), f"{args} left {data} behind"


def test_the_request_id_and_log_line_are_the_same_over_tls(tls_server):
    srv, _ = tls_server
    reply = raw_call(srv.endpoint, "ListKeys", {})
    assert reply.status == 200
    request_id = reply.headers["x-amzn-requestid"]
    deadline = time.monotonic() + 5
    while request_id not in srv.log_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert request_id in srv.log_path.read_text()


def test_aws_secure_transport_is_true_over_tls_only(tls_server, new_server):
    from botocore.exceptions import ClientError

    from conftest import make_kms_client

    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:ListKeys", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
    ]})
    plain = new_server()
    for srv, allowed in ((tls_server[0], True), (plain, False)):
        user = srv.admin_json("user", "create", "tls-only")
        srv.iam().put_user_policy(UserName="tls-only", PolicyName="tls-only", PolicyDocument=policy)
        client = make_kms_client(srv.endpoint, user["AccessKeyId"], user["SecretAccessKey"])
        if allowed:
            client.list_keys()
        else:
            with pytest.raises(ClientError) as denied:
                client.list_keys()
            assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
