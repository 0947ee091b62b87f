"""Storage correctness found by probing a release build: strings with NUL,
contention on one key, and length limits that count code points."""

import json
import threading

import botocore.auth
import botocore.awsrequest
import botocore.credentials

from conftest import (
    REGION,
    ROOT_ACCESS_KEY_ID,
    ROOT_SECRET_ACCESS_KEY,
    assert_client_error,
    send_raw,
)


def test_description_with_nul_is_stored_whole(kms):
    description = "before\u0000after"
    created = kms.create_key(Description=description)["KeyMetadata"]
    assert created["Description"] == description
    assert kms.describe_key(KeyId=created["KeyId"])["KeyMetadata"]["Description"] == description
    kms.update_key_description(KeyId=created["KeyId"], Description="x\u0000y\u0000")
    assert kms.describe_key(KeyId=created["KeyId"])["KeyMetadata"]["Description"] == "x\u0000y\u0000"


def test_tag_keys_that_differ_after_a_nul_are_distinct(kms):
    # Both were bound as "a" before, and the UNIQUE constraint answered 500.
    created = kms.create_key(Tags=[{"TagKey": "a\u0000b", "TagValue": "1"}, {"TagKey": "a\u0000c", "TagValue": "2"}])
    assert created["KeyMetadata"]["KeyState"] == "Enabled"


def test_policy_with_nul_is_a_validation_error(kms):
    policy = json.dumps({"Version": "2012-10-17", "Statement": []}) + "\u0000"
    assert_client_error(lambda: kms.create_key(Policy=policy), "ValidationException")


class BodyHashingQueryAuth(botocore.auth.SigV4QueryAuth):
    """Presigns a URL over the SHA-256 of the body, as Trent verifies JSON
    requests, rather than botocore's UNSIGNED-PAYLOAD for presigned URLs."""

    def payload(self, request):
        return botocore.auth.SigV4Auth.payload(self, request)


def presigned_list_keys(endpoint, access_key_id):
    request = botocore.awsrequest.AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=b"{}",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"},
    )
    credentials = botocore.credentials.Credentials(access_key_id, ROOT_SECRET_ACCESS_KEY)
    BodyHashingQueryAuth(credentials, "kms", REGION, expires=300).add_auth(request)
    prepared = request.prepare()
    path = prepared.url.split(endpoint, 1)[1]
    # botocore moves a presigned request's body into the query; "{}" leaves nothing behind.
    return path, dict(prepared.headers.items()), prepared.body or b""


def test_presigned_queries_are_refused_even_with_a_nul_in_the_access_key(server):
    # Presigned URLs were the one way to put a NUL into an access key ID (a
    # header cannot carry one); the endpoint now refuses them outright. That a
    # lookup never stops at a NUL is checked by the MetadataStore conformance suite.
    for access_key_id in (ROOT_ACCESS_KEY_ID, ROOT_ACCESS_KEY_ID + "\u0000junk"):
        path, headers, body = presigned_list_keys(server.endpoint, access_key_id)
        refused = send_raw(server.endpoint, headers, body, path=path)
        assert refused.status == 400, refused
        assert refused.error_type == "IncompleteSignatureException", refused
        assert "presigned" in refused.message


def run_concurrently(threads, calls_each, call):
    """Runs `call(thread, index)` from `threads` threads at once; returns every failure."""
    failures = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def worker(thread):
        start.wait()
        for index in range(calls_each):
            try:
                call(thread, index)
            except Exception as error:  # noqa: BLE001 - every failure is collected and reported
                with lock:
                    failures.append(repr(error))

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=300)
    return failures


def concurrent_description_updates(server, threads, calls_each):
    clients = [server.client() for _ in range(threads)]
    key_id = clients[0].create_key(Description="contended")["KeyMetadata"]["KeyId"]
    sent = {f"thread {t} call {i}" for t in range(threads) for i in range(calls_each)}
    failures = run_concurrently(
        threads, calls_each,
        lambda t, i: clients[t].update_key_description(KeyId=key_id, Description=f"thread {t} call {i}"),
    )
    assert failures == [], f"{len(failures)} of {threads * calls_each} calls failed, first: {failures[0]}"
    assert clients[0].describe_key(KeyId=key_id)["KeyMetadata"]["Description"] in sent


def test_20_concurrent_description_updates_all_succeed(server):
    concurrent_description_updates(server, threads=20, calls_each=10)


def test_100_concurrent_description_updates_all_succeed(server):
    concurrent_description_updates(server, threads=100, calls_each=10)


def test_a_disable_among_concurrent_updates_is_not_lost(server):
    clients = [server.client() for _ in range(21)]
    key_id = clients[0].create_key()["KeyMetadata"]["KeyId"]

    def call(thread, index):
        if thread == 20:
            if index == 0:
                clients[thread].disable_key(KeyId=key_id)
        else:
            clients[thread].update_key_description(KeyId=key_id, Description=f"{thread}/{index}")

    assert run_concurrently(21, 5, call) == []
    assert clients[0].describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"


def test_length_limits_count_code_points(kms):
    heavy = "é" + "\u0301" * 100_000
    assert_client_error(lambda: kms.create_key(Description=heavy), "ValidationException")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    assert_client_error(lambda: kms.update_key_description(KeyId=key_id, Description=heavy), "ValidationException")
    at_limit = "e\u0301" * 4096
    kms.update_key_description(KeyId=key_id, Description=at_limit)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == at_limit
