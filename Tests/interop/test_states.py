"""Key lifecycle: Enabled / Disabled / PendingDeletion."""

import datetime
import uuid

import pytest

from conftest import assert_client_error

NOW = lambda: datetime.datetime.now(datetime.timezone.utc)  # noqa: E731


def state(kms, key_id):
    md = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    return md["KeyState"], md["Enabled"]


def test_disable_enable(kms, key_id):
    ct = kms.encrypt(KeyId=key_id, Plaintext=b"before disable")["CiphertextBlob"]
    kms.disable_key(KeyId=key_id)
    assert state(kms, key_id) == ("Disabled", False)

    assert_client_error(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"), "DisabledException")
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=ct), "DisabledException")
    assert_client_error(
        lambda: kms.decrypt(CiphertextBlob=ct, KeyId=key_id), "DisabledException"
    )
    assert_client_error(
        lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256"), "DisabledException"
    )
    assert_client_error(
        lambda: kms.generate_data_key_without_plaintext(KeyId=key_id, KeySpec="AES_256"),
        "DisabledException",
    )
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    assert_client_error(
        lambda: kms.re_encrypt(CiphertextBlob=ct, DestinationKeyId=other), "DisabledException"
    )
    # Non-crypto ops still work on a disabled key.
    kms.update_key_description(KeyId=key_id, Description="disabled but describable")
    # Idempotent
    kms.disable_key(KeyId=key_id)
    assert state(kms, key_id) == ("Disabled", False)

    kms.enable_key(KeyId=key_id)
    assert state(kms, key_id) == ("Enabled", True)
    kms.enable_key(KeyId=key_id)  # idempotent
    assert kms.decrypt(CiphertextBlob=ct)["Plaintext"] == b"before disable"


def test_reencrypt_to_disabled_destination(kms, key_id):
    ct = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    dst = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=dst)
    assert_client_error(
        lambda: kms.re_encrypt(CiphertextBlob=ct, DestinationKeyId=dst), "DisabledException"
    )


def test_enable_disable_unknown(kms):
    for op in (kms.enable_key, kms.disable_key, kms.cancel_key_deletion):
        assert_client_error(lambda: op(KeyId=str(uuid.uuid4())), "NotFoundException")
    assert_client_error(
        lambda: kms.schedule_key_deletion(KeyId=str(uuid.uuid4()), PendingWindowInDays=7),
        "NotFoundException",
    )


def test_schedule_deletion_default_window(kms, key):
    before = NOW()
    r = kms.schedule_key_deletion(KeyId=key["KeyId"])
    assert r["KeyId"] == key["Arn"]
    assert r["KeyState"] == "PendingDeletion"
    assert r.get("PendingWindowInDays", 30) == 30
    delta = r["DeletionDate"] - before
    assert datetime.timedelta(days=30) - datetime.timedelta(hours=1) <= delta <= datetime.timedelta(
        days=31
    ), delta
    md = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert md["KeyState"] == "PendingDeletion"
    assert md["Enabled"] is False
    assert abs((md["DeletionDate"] - r["DeletionDate"]).total_seconds()) < 2


@pytest.mark.parametrize("days", [7, 12, 30])
def test_schedule_deletion_window(kms, key, days):
    before = NOW()
    r = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=days)
    assert r["KeyState"] == "PendingDeletion"
    assert r.get("PendingWindowInDays", days) == days
    delta = r["DeletionDate"] - before
    # AWS rounds the deletion date; allow up to a day of slack.
    assert datetime.timedelta(days=days) - datetime.timedelta(hours=1) <= delta <= datetime.timedelta(
        days=days + 1
    ), delta


@pytest.mark.parametrize("days", [0, 1, 6, 31, 365])
def test_schedule_deletion_window_out_of_range(kms, key_id, days):
    assert_client_error(
        lambda: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=days),
        "ValidationException",
    )
    assert state(kms, key_id) == ("Enabled", True)


def test_pending_deletion_state_rules(kms, key):
    key_id = key["KeyId"]
    ct = kms.encrypt(KeyId=key_id, Plaintext=b"doomed")["CiphertextBlob"]
    alias = f"alias/pending-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)

    invalid = "KMSInvalidStateException"
    assert_client_error(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"), invalid)
    assert_client_error(lambda: kms.encrypt(KeyId=alias, Plaintext=b"x"), invalid)
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=ct), invalid)
    assert_client_error(lambda: kms.generate_data_key(KeyId=key_id, NumberOfBytes=32), invalid)
    assert_client_error(lambda: kms.enable_key(KeyId=key_id), invalid)
    assert_client_error(lambda: kms.disable_key(KeyId=key_id), invalid)
    assert_client_error(
        lambda: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7), invalid
    )
    # DescribeKey works, also through the alias; ListKeys still lists it.
    md = kms.describe_key(KeyId=alias)["KeyMetadata"]
    assert md["KeyState"] == "PendingDeletion" and md["Enabled"] is False
    listed = {k["KeyId"] for p in kms.get_paginator("list_keys").paginate() for k in p["Keys"]}
    assert key_id in listed

    r = kms.cancel_key_deletion(KeyId=key_id)
    assert r["KeyId"] == key["Arn"]
    md = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert md["KeyState"] == "Disabled"
    assert md["Enabled"] is False
    assert "DeletionDate" not in md
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=ct), "DisabledException")

    kms.enable_key(KeyId=key_id)
    assert kms.decrypt(CiphertextBlob=ct)["Plaintext"] == b"doomed"


def test_cancel_deletion_on_non_pending_key(kms, key_id):
    assert_client_error(lambda: kms.cancel_key_deletion(KeyId=key_id), "KMSInvalidStateException")


def test_schedule_deletion_of_disabled_key(kms, key_id):
    kms.disable_key(KeyId=key_id)
    r = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert r["KeyState"] == "PendingDeletion"
    kms.cancel_key_deletion(KeyId=key_id)
    assert state(kms, key_id) == ("Disabled", False)
