"""Prometheus `/metrics` after a known sequence of calls, read with the
prometheus_client parser: requests by API, operation and outcome, latency
histograms, in-flight requests, cache lookups, audit commits, connections and
key-store health. Labels come from closed sets: a caller cannot add series."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError
from prometheus_client.parser import text_string_to_metric_families

from conftest import free_port, raw_call


def scrape(url: str) -> dict[tuple[str, frozenset], float]:
    with urllib.request.urlopen(url, timeout=10) as reply:
        assert reply.status == 200
        assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = reply.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_after_a_known_sequence(new_server):
    srv = new_server()
    kms = srv.client()
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    for _ in range(3):
        kms.encrypt(KeyId=key_id, Plaintext=b"counted")
    with pytest.raises(ClientError) as bad_blob:
        kms.decrypt(CiphertextBlob=b"\x01" * 40)
    assert bad_blob.value.response["Error"]["Code"] == "InvalidCiphertextException"
    bad_signature = raw_call(srv.endpoint, "ListKeys", {}, secret="wrong" * 8)
    assert bad_signature.error_type == "InvalidSignatureException"
    made_up = f"Nope{uuid.uuid4().hex}"
    assert raw_call(srv.endpoint, made_up, {}).status == 400
    srv.iam().list_users()

    samples = scrape(f"{srv.endpoint}/metrics")
    assert value(samples, "trent_requests_total", api="kms", operation="CreateKey", outcome="OK") == 1
    assert value(samples, "trent_requests_total", api="kms", operation="Encrypt", outcome="OK") == 3
    assert value(samples, "trent_requests_total", api="kms", operation="Decrypt", outcome="InvalidCiphertextException") == 1
    assert value(samples, "trent_requests_total", api="unauthenticated", operation="ListKeys", outcome="InvalidSignatureException") == 1
    assert value(samples, "trent_requests_total", api="kms", operation="unknown", outcome="UnknownOperationException") == 1
    assert value(samples, "trent_requests_total", api="iam", operation="ListUsers", outcome="OK") == 1
    assert not [key for key in samples if made_up in str(key)], "a caller's operation name became a label"

    assert value(samples, "trent_request_duration_seconds_count", api="kms", operation="Encrypt") == 3
    buckets = sorted(
        (float(dict(labels)["le"]), v) for (name, labels), v in samples.items()
        if name == "trent_request_duration_seconds_bucket" and dict(labels).get("operation") == "Encrypt"
    )
    assert buckets[-1] == (float("inf"), 3) and all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), buckets
    assert value(samples, "trent_requests_in_flight") == 0

    assert value(samples, "trent_cache_lookups_total", cache="metadata", result="hit") >= 2
    assert value(samples, "trent_cache_lookups_total", cache="credentials", result="hit") >= 5
    assert value(samples, "trent_cache_lookups_total", cache="credentials", result="miss") >= 1
    # Every request above that reached the dispatcher was recorded, each commit a batch of one or more.
    commits = value(samples, "trent_audit_commit_duration_seconds_count")
    batched = value(samples, "trent_audit_commit_batch_requests_sum")
    assert commits >= 1 and batched >= 8, (commits, batched)
    assert value(samples, "trent_audit_commit_batch_requests_count") == commits
    assert value(samples, "trent_connections_open") >= 1
    assert value(samples, "trent_key_store_up", store="software") == 1

    # A second scrape sees the new requests and nothing else changed.
    kms.encrypt(KeyId=key_id, Plaintext=b"once more")
    again = scrape(f"{srv.endpoint}/metrics")
    assert value(again, "trent_requests_total", api="kms", operation="Encrypt", outcome="OK") == 4
    assert value(again, "trent_requests_total", api="kms", operation="CreateKey", outcome="OK") == 1


def test_metrics_on_a_listener_of_their_own(new_server):
    port = free_port()
    srv = new_server(extra_args=("--metrics-listen", f"127.0.0.1:{port}"))
    srv.client().list_keys()
    samples = scrape(f"http://127.0.0.1:{port}/metrics")
    assert value(samples, "trent_requests_total", api="kms", operation="ListKeys", outcome="OK") == 1
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{srv.endpoint}/metrics", timeout=10)
    assert missing.value.code == 404
    # The metrics listener serves no API.
    assert raw_call(f"http://127.0.0.1:{port}", "ListKeys", {}).status == 404
