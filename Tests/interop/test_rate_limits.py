"""Rate limits: token buckets per principal (every API) and per key (KMS
operations, counted once authorized), answered with ThrottlingException as AWS
does, so that one noisy client cannot starve the others. The rates here are
low so that a burst from one test thread outruns them whatever the build."""

from __future__ import annotations

import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, raw_call

# The suite's clients retry once; a throttled call here must show as throttled.
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def client(srv, service: str = "kms", access_key_id: str = ROOT_ACCESS_KEY_ID, secret: str = ROOT_SECRET_ACCESS_KEY):
    session = boto3.session.Session(aws_access_key_id=access_key_id, aws_secret_access_key=secret, region_name=srv.region)
    return session.client(service, endpoint_url=srv.endpoint, verify=srv.verify, config=NO_RETRIES)


def burst(call, n: int) -> tuple[int, list[str]]:
    served, errors = 0, []
    for _ in range(n):
        try:
            call()
            served += 1
        except ClientError as e:
            errors.append(e.response["Error"]["Code"])
    return served, errors


def test_a_noisy_principal_is_throttled_and_others_are_not(new_server):
    srv = new_server(extra_args=("--rate-limit-principal", "3", "--rate-limit-key", "0"))
    user = srv.admin_json("user", "create", "quiet")
    srv.allow_all_kms("quiet")
    quiet = client(srv, access_key_id=user["AccessKeyId"], secret=user["SecretAccessKey"])
    root = client(srv)
    started = time.monotonic()
    served, errors = burst(root.list_keys, 40)
    elapsed = time.monotonic() - started
    assert served <= 3 + 3 * elapsed + 1, (served, elapsed)
    assert errors and set(errors) == {"ThrottlingException"}, errors
    # The other principal has tokens of its own.
    assert burst(quiet.list_keys, 3) == (3, [])
    throttled = raw_call(srv.endpoint, "ListKeys", {})
    assert throttled.status == 400 and throttled.error_type == "ThrottlingException", throttled
    assert throttled.message == "Rate exceeded"
    time.sleep(1.1)
    assert burst(root.list_keys, 3) == (3, [])


def test_iam_throttles_with_its_own_error_shape(new_server):
    srv = new_server(extra_args=("--rate-limit-principal", "2"))
    served, errors = burst(client(srv, "iam").list_users, 20)
    assert served < 10 and errors and set(errors) == {"Throttling"}, (served, errors)


def test_a_hot_key_is_throttled_and_other_keys_are_not(new_server):
    srv = new_server(extra_args=("--rate-limit-key", "3", "--rate-limit-principal", "0"))
    kms = client(srv)
    hot = kms.create_key()["KeyMetadata"]["KeyId"]
    cold = kms.create_key()["KeyMetadata"]["KeyId"]
    stranger = srv.admin_json("user", "create", "stranger")
    nosy = client(srv, access_key_id=stranger["AccessKeyId"], secret=stranger["SecretAccessKey"])
    started = time.monotonic()
    served, errors = burst(lambda: kms.encrypt(KeyId=hot, Plaintext=b"x"), 30)
    elapsed = time.monotonic() - started
    assert served <= 3 + 3 * elapsed + 1 and set(errors) == {"ThrottlingException"}, (served, errors, elapsed)
    assert burst(lambda: kms.encrypt(KeyId=cold, Plaintext=b"x"), 3) == (3, [])
    # Requests that fail authorization take no token from the key: while they
    # run, its bucket refills, and its owner is served right after.
    started = time.monotonic()
    while time.monotonic() - started < 1.0:
        assert set(burst(lambda: nosy.encrypt(KeyId=hot, Plaintext=b"x"), 10)[1]) == {"AccessDeniedException"}
    assert burst(lambda: kms.encrypt(KeyId=hot, Plaintext=b"x"), 2) == (2, [])
