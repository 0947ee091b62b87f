"""AWS JSON 1.1 wire protocol details, tested with raw signed HTTP requests."""

import json
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import assert_client_error, clean_env, free_port, raw_call, send_raw, send_signed, sign_request

BAD_INPUT = ("ValidationException", "SerializationException")


def assert_error(resp, *types):
    assert 400 <= resp.status < 500, f"expected 4xx, got {resp!r}"
    try:
        body = resp.json()
    except Exception as e:  # noqa: BLE001
        raise AssertionError(f"error body is not JSON: {resp!r}") from e
    assert isinstance(body, dict) and "__type" in body, f"no __type in {body!r}"
    assert resp.error_type in types, f"expected {types}, got {resp.error_type}: {resp!r}"
    assert isinstance(body.get("message", body.get("Message")), str), f"no message: {body!r}"


def test_health_needs_no_auth(server):
    with urllib.request.urlopen(f"{server.endpoint}/health", timeout=5) as r:
        assert r.status == 200


def test_success_response_shape(server, key_id):
    r = raw_call(server.endpoint, "DescribeKey", {"KeyId": key_id})
    assert r.status == 200, r
    assert r.headers.get("content-type", "").startswith("application/x-amz-json-1.1"), r.headers
    assert r.json()["KeyMetadata"]["KeyId"] == key_id


def test_empty_body_object_for_no_input_op(server):
    r = raw_call(server.endpoint, "ListKeys", {})
    assert r.status == 200, r
    assert isinstance(r.json()["Keys"], list)


def test_error_content_type(server):
    r = raw_call(server.endpoint, "DescribeKey", {"KeyId": "alias/nope-nope-nope"})
    assert_error(r, "NotFoundException")
    assert r.headers.get("content-type", "").startswith("application/x-amz-json-1.1"), r.headers


def test_unknown_operation(server):
    r = raw_call(server.endpoint, "FrobnicateKey", {})
    assert_error(r, "UnknownOperationException")


def test_wrong_service_prefix(server):
    req = sign_request(server.endpoint, None, b"{}", extra_headers={"X-Amz-Target": "Foo.ListKeys"})
    r = send_signed(req, server.endpoint)
    assert_error(r, "UnknownOperationException")


def test_missing_target(server):
    r = raw_call(server.endpoint, None, {})
    assert 400 <= r.status < 500, r
    assert r.error_type is not None, r


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'"string"', b"\xff\xfe\x00garbage", b'{"KeyId": "abc"'],
    ids=["broken", "array", "string", "binary", "unterminated"],
)
def test_malformed_json(server, body):
    r = raw_call(server.endpoint, "DescribeKey", body)
    assert_error(r, *BAD_INPUT)


@pytest.mark.parametrize(
    "target,body",
    [
        ("DescribeKey", {"KeyId": 123}),
        ("DescribeKey", {"KeyId": None}),
        ("DescribeKey", {"KeyId": ["a"]}),
        ("GenerateRandom", {"NumberOfBytes": "32"}),
        ("GenerateRandom", {"NumberOfBytes": 3.5}),
        ("ListKeys", {"Limit": "ten"}),
        ("Encrypt", {"KeyId": "alias/x", "Plaintext": "!!!not base64!!!"}),
        ("Encrypt", {"KeyId": "alias/x", "Plaintext": 42}),
        ("Encrypt", {"KeyId": "alias/x", "Plaintext": "aGk=", "EncryptionContext": {"a": 1}}),
        ("Encrypt", {"KeyId": "alias/x", "Plaintext": "aGk=", "EncryptionContext": ["a"]}),
        ("CreateKey", {"Tags": "nope"}),
    ],
    ids=[
        "keyid-int",
        "keyid-null",
        "keyid-list",
        "nbytes-string",
        "nbytes-float",
        "limit-string",
        "plaintext-not-b64",
        "plaintext-int",
        "ctx-value-int",
        "ctx-list",
        "tags-string",
    ],
)
def test_wrong_field_types(server, target, body):
    r = raw_call(server.endpoint, target, body)
    assert r.status < 500, r
    assert_error(r, *BAD_INPUT)


def test_body_too_large(server):
    body = json.dumps({"NumberOfBytes": 8, "Pad": "A" * (1024 * 1024 + 100)}).encode()
    t0 = time.monotonic()
    r = raw_call(server.endpoint, "GenerateRandom", body, timeout=20)
    assert time.monotonic() - t0 < 20
    assert 400 <= r.status < 500, r
    # server still healthy afterwards
    assert raw_call(server.endpoint, "GenerateRandom", {"NumberOfBytes": 8}).status == 200


def test_body_shorter_than_content_length_does_not_hang_server(server):
    """A client that stalls mid-body must not block other clients."""
    host, port = "127.0.0.1", server.port
    s = socket.create_connection((host, port), timeout=5)
    try:
        s.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
            b"X-Amz-Target: TrentService.ListKeys\r\nContent-Length: 1000\r\n\r\n{"
        )
        r = raw_call(server.endpoint, "GenerateRandom", {"NumberOfBytes": 8}, timeout=10)
        assert r.status == 200
    finally:
        s.close()


@pytest.mark.parametrize(
    "call",
    [
        lambda kms, k: kms.replicate_key(KeyId=k, ReplicaRegion="us-west-2"),
        lambda kms, k: kms.get_public_key(KeyId=k),
        lambda kms, k: kms.generate_random(NumberOfBytes=8, CustomKeyStoreId="cks-1234567890abcdef0"),
        lambda kms, k: kms.update_primary_region(KeyId=k, PrimaryRegion="us-west-2"),
    ],
    ids=[
        "ReplicateKey",
        "GetPublicKey",
        "GenerateRandomFromCustomKeyStore",
        "UpdatePrimaryRegion",
    ],
)
def test_unsupported_operations(kms, key_id, call):
    assert_client_error(lambda: call(kms, key_id), "UnsupportedOperationException")


def test_unsupported_operation_raw(server):
    r = raw_call(server.endpoint, "UpdatePrimaryRegion", {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "PrimaryRegion": "us-west-2"})
    assert_error(r, "UnsupportedOperationException")


def test_get_on_root_is_not_500(server):
    r = send_raw(server.endpoint, {}, b"", method="GET", path="/")
    assert r.status < 500, r


def test_keepalive_multiple_requests_one_connection(server):
    """boto3 reuses connections; the server must support HTTP/1.1 keep-alive."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for _ in range(5):
            req = sign_request(server.endpoint, "GenerateRandom", {"NumberOfBytes": 4})
            conn.request("POST", "/", body=req.body, headers=dict(req.headers.items()))
            resp = conn.getresponse()
            data = resp.read()
            assert resp.status == 200, data
    finally:
        conn.close()


def test_plain_http_off_loopback_must_be_asked_for(trent_bin, tmp_path):
    # Refused before anything binds or is written (tests never bind beyond loopback).
    data = tmp_path / "data"
    for address in ("0.0.0.0", "192.0.2.10", "[::]"):
        cp = subprocess.run(
            [str(trent_bin), "serve", "--listen", f"{address}:{free_port()}", "--data", str(data)],
            capture_output=True, text=True, timeout=30, env=clean_env(),
        )
        assert cp.returncode != 0, cp.stdout
        assert "--insecure-http" in cp.stderr and "plain HTTP" in cp.stderr, cp.stderr
    assert not data.exists()
    help_text = subprocess.run([str(trent_bin), "serve", "--help"], capture_output=True, text=True, timeout=30).stdout
    assert "--insecure-http" in help_text
