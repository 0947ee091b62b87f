"""SigV4 verification, with requests signed by botocore and sent verbatim."""

import datetime
import re

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest

from conftest import (
    ROOT_ACCESS_KEY_ID,
    ROOT_SECRET_ACCESS_KEY,
    raw_call,
    send_raw,
    send_signed,
    sign_request,
)

BODY = {"NumberOfBytes": 16}


def assert_error(resp, *types):
    assert 400 <= resp.status < 500, f"expected 4xx, got {resp!r}"
    assert resp.error_type in types, f"expected {types}, got {resp.error_type}: {resp!r}"


def signed(server, **kw):
    req = sign_request(server.endpoint, "GenerateRandom", BODY, **kw)
    return req, dict(req.headers.items()), req.body


def test_valid_signature_accepted(server):
    r = raw_call(server.endpoint, "GenerateRandom", BODY)
    assert r.status == 200, r
    import base64

    assert len(base64.b64decode(r.json()["Plaintext"])) == 16


def test_missing_authorization(server):
    _, headers, body = signed(server)
    headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
    r = send_raw(server.endpoint, headers, body)
    assert_error(r, "MissingAuthenticationTokenException")


def test_no_auth_headers_at_all(server):
    r = send_raw(
        server.endpoint,
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"},
        b"{}",
    )
    assert_error(r, "MissingAuthenticationTokenException")


def test_unknown_access_key(server):
    r = raw_call(
        server.endpoint,
        "GenerateRandom",
        BODY,
        access_key_id="AKIAUNKNOWNUNKNOWN00",
        secret=ROOT_SECRET_ACCESS_KEY,
    )
    assert_error(r, "UnrecognizedClientException")


def test_wrong_secret(server):
    r = raw_call(
        server.endpoint,
        "GenerateRandom",
        BODY,
        access_key_id=ROOT_ACCESS_KEY_ID,
        secret=ROOT_SECRET_ACCESS_KEY[:-1] + ("x" if ROOT_SECRET_ACCESS_KEY[-1] != "x" else "y"),
    )
    assert_error(r, "InvalidSignatureException")


def test_wrong_secret_via_boto3(server):
    from conftest import assert_client_error

    c = server.client(ROOT_ACCESS_KEY_ID, "definitely-not-the-right-secret-000000000")
    assert_client_error(lambda: c.list_keys(), "InvalidSignatureException")


@pytest.mark.parametrize(
    "new_body",
    [b'{"NumberOfBytes": 17}', b'{"NumberOfBytes":16}', b'{"NumberOfBytes": 16} '],
    ids=["changed-value", "whitespace-removed", "trailing-space"],
)
def test_body_tampered(server, new_body):
    _, headers, body = signed(server)
    assert body != new_body
    r = send_raw(server.endpoint, headers, new_body)
    assert_error(r, "InvalidSignatureException")


def test_signed_header_tampered(server):
    """X-Amz-Target is a signed header; changing it must break the signature."""
    _, headers, body = signed(server)
    assert "x-amz-target" in headers["Authorization"].lower()
    headers = dict(headers)
    for k in list(headers):
        if k.lower() == "x-amz-target":
            headers[k] = "TrentService.ListKeys"
    r = send_raw(server.endpoint, headers, body)
    assert_error(r, "InvalidSignatureException")


@pytest.mark.parametrize("region", ["eu-west-1", "us-west-2"])
def test_wrong_region_in_scope(server, region):
    r = raw_call(server.endpoint, "GenerateRandom", BODY, region=region)
    assert_error(r, "InvalidSignatureException")


def test_unserved_service_in_scope(server):
    """A request signed for a service Trent does not serve is an unknown operation, not a bad signature."""
    r = raw_call(server.endpoint, "GenerateRandom", BODY, service="s3")
    assert_error(r, "UnknownOperationException")


def test_kms_target_signed_for_another_served_service(server):
    r = raw_call(server.endpoint, "GenerateRandom", BODY, service="sts")
    assert_error(r, "InvalidSignatureException")


@pytest.mark.parametrize("minutes", [-10, 10, -60 * 24])
def test_request_time_skew(server, minutes):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)
    req = sign_request(server.endpoint, "GenerateRandom", BODY, when=when)
    r = send_signed(req, server.endpoint)
    assert_error(r, "InvalidSignatureException")
    if minutes < 0:
        assert re.search(r"expired|skew|too old|stale|time", r.message, re.I), r.message


def test_small_clock_skew_accepted(server):
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=2)
    req = sign_request(server.endpoint, "GenerateRandom", BODY, when=when)
    r = send_signed(req, server.endpoint)
    assert r.status == 200, r


def test_authorization_without_signature(server):
    _, headers, body = signed(server)
    auth = headers["Authorization"]
    stripped = re.sub(r",\s*Signature=[0-9a-f]+", "", auth)
    assert "Signature=" not in stripped
    headers = dict(headers, Authorization=stripped)
    r = send_raw(server.endpoint, headers, body)
    assert_error(r, "IncompleteSignatureException")


def test_authorization_without_signed_headers(server):
    _, headers, body = signed(server)
    auth = re.sub(r",\s*SignedHeaders=[^,]+", "", headers["Authorization"])
    r = send_raw(server.endpoint, dict(headers, Authorization=auth), body)
    assert_error(r, "IncompleteSignatureException")


def test_garbage_authorization(server):
    _, headers, body = signed(server)
    r = send_raw(server.endpoint, dict(headers, Authorization="Bearer abc"), body)
    assert 400 <= r.status < 500, r
    assert r.error_type in (
        "IncompleteSignatureException",
        "InvalidSignatureException",
        "MissingAuthenticationTokenException",
    ), r


def test_missing_x_amz_date(server):
    _, headers, body = signed(server)
    headers = {k: v for k, v in headers.items() if k.lower() != "x-amz-date"}
    r = send_raw(server.endpoint, headers, body)
    assert 400 <= r.status < 500, r
    assert r.error_type in ("IncompleteSignatureException", "InvalidSignatureException"), r


def test_signature_case_sensitive_header_names(server):
    """Header names are case-insensitive on the wire; a signature computed over
    lower-cased names must verify even if the client sends mixed case."""
    _, headers, body = signed(server)
    weird = {}
    for k, v in headers.items():
        weird[k.upper() if k.lower() in ("x-amz-target", "content-type") else k] = v
    r = send_raw(server.endpoint, weird, body)
    assert r.status == 200, r


class HeaderPairs(list):
    """Headers as (name, value) pairs, so one name can be sent twice."""

    def items(self):
        return self


def test_an_unsigned_target_cannot_turn_a_captured_request_into_another_operation(server, kms, key_id):
    # Signed over host, x-amz-date and content-type only, then given a target:
    # accepted, it could be replayed within the skew window as any operation.
    req = sign_request(server.endpoint, None, {"KeyId": key_id})
    headers = dict(req.headers.items())
    headers["X-Amz-Target"] = "TrentService.DisableKey"
    resp = send_raw(server.endpoint, headers, req.body)
    assert_error(resp, "IncompleteSignatureException")
    assert "x-amz-target" in resp.message.lower()
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"


def test_an_unsigned_content_type_or_amz_header_is_refused(server):
    req, headers, body = signed(server)
    headers["X-Amz-Extra"] = "added after signing"
    resp = send_raw(server.endpoint, headers, body)
    assert_error(resp, "IncompleteSignatureException")
    assert "x-amz-extra" in resp.message.lower()

    # Signed without a content type, which is then added.
    bare = botocore.awsrequest.AWSRequest(
        method="POST", url=server.endpoint + "/", data=b'{"NumberOfBytes": 16}',
        headers={"X-Amz-Target": "TrentService.GenerateRandom"},
    )
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY), "kms", "us-east-1").add_auth(bare)
    headers = dict(bare.headers.items())
    assert "content-type" not in headers["Authorization"]
    headers["Content-Type"] = "application/x-amz-json-1.1"
    resp = send_raw(server.endpoint, headers, bare.body)
    assert_error(resp, "IncompleteSignatureException")
    assert "content-type" in resp.message.lower()


def test_two_authorization_headers_are_refused(server):
    req, headers, body = signed(server)
    pairs = HeaderPairs(headers.items())
    pairs.append(("Authorization", headers["Authorization"]))
    assert_error(send_raw(server.endpoint, pairs, body), "IncompleteSignatureException")
