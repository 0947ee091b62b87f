"""CreateAlias / UpdateAlias / DeleteAlias / ListAliases."""

import datetime
import uuid

import pytest

from conftest import ACCOUNT_ID, REGION, assert_client_error, paginate_by_marker, unique_alias


def all_aliases(kms, **kw):
    out = []
    for page in kms.get_paginator("list_aliases").paginate(**kw):
        out.extend(page["Aliases"])
    return out


def find_alias(kms, name):
    for a in all_aliases(kms):
        if a["AliasName"] == name:
            return a
    return None


def test_create_alias_and_list(kms, key):
    name = unique_alias()
    before = datetime.datetime.now(datetime.timezone.utc)
    kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    a = find_alias(kms, name)
    assert a is not None, f"{name} not listed"
    assert a["AliasArn"] == f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:{name}"
    assert a["TargetKeyId"] == key["KeyId"]
    if "CreationDate" in a:
        assert abs((a["CreationDate"] - before).total_seconds()) < 120


def test_create_alias_by_key_arn(kms, key):
    name = unique_alias("byarn")
    kms.create_alias(AliasName=name, TargetKeyId=key["Arn"])
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == key["KeyId"]


def test_alias_usable_for_crypto(kms, key):
    name = unique_alias("crypto")
    kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    ct = kms.encrypt(KeyId=name, Plaintext=b"via alias")
    assert ct["KeyId"] == key["Arn"]
    pt = kms.decrypt(CiphertextBlob=ct["CiphertextBlob"])
    assert pt["Plaintext"] == b"via alias"
    alias_arn = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:{name}"
    ct2 = kms.encrypt(KeyId=alias_arn, Plaintext=b"via alias arn")
    assert kms.decrypt(CiphertextBlob=ct2["CiphertextBlob"], KeyId=name)["Plaintext"] == b"via alias arn"


def test_duplicate_alias(kms, key):
    name = unique_alias("dup")
    kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    assert_client_error(
        lambda: kms.create_alias(AliasName=name, TargetKeyId=other), "AlreadyExistsException"
    )
    # unchanged
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == key["KeyId"]


def test_multiple_aliases_per_key_and_filter(kms, key):
    names = sorted(unique_alias("multi") for _ in range(3))
    for n in names:
        kms.create_alias(AliasName=n, TargetKeyId=key["KeyId"])
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    other_alias = unique_alias("other")
    kms.create_alias(AliasName=other_alias, TargetKeyId=other)

    filtered = all_aliases(kms, KeyId=key["KeyId"])
    assert sorted(a["AliasName"] for a in filtered) == names
    assert all(a["TargetKeyId"] == key["KeyId"] for a in filtered)
    # Filter by key ARN works too.
    filtered_arn = kms.list_aliases(KeyId=key["Arn"])["Aliases"]
    assert sorted(a["AliasName"] for a in filtered_arn) == names


def test_list_aliases_for_key_without_aliases(kms, key_id):
    resp = kms.list_aliases(KeyId=key_id)
    assert resp["Aliases"] == []
    assert resp["Truncated"] is False


def test_list_aliases_pagination(kms, key_id):
    for _ in range(5):
        kms.create_alias(AliasName=unique_alias("page"), TargetKeyId=key_id)
    aliases, pages = paginate_by_marker(kms.list_aliases, "Aliases")
    collected = [a["AliasName"] for a in aliases]
    assert len(collected) == len(set(collected))
    assert {a["AliasName"] for a in all_aliases(kms)} == set(collected)
    assert pages >= 3


def test_update_alias(kms, key):
    name = unique_alias("upd")
    kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    ct_old = kms.encrypt(KeyId=name, Plaintext=b"old")["CiphertextBlob"]
    new = kms.create_key()["KeyMetadata"]
    kms.update_alias(AliasName=name, TargetKeyId=new["KeyId"])
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == new["KeyId"]
    a = find_alias(kms, name)
    assert a["TargetKeyId"] == new["KeyId"]
    # Old ciphertext still decrypts (it's bound to the key, not the alias)
    dec = kms.decrypt(CiphertextBlob=ct_old)
    assert dec["Plaintext"] == b"old" and dec["KeyId"] == key["Arn"]
    # ...but not when the alias (now pointing at the new key) is given as KeyId.
    assert_client_error(
        lambda: kms.decrypt(CiphertextBlob=ct_old, KeyId=name), "IncorrectKeyException"
    )


def test_update_alias_errors(kms, key_id):
    assert_client_error(
        lambda: kms.update_alias(AliasName=unique_alias("nope"), TargetKeyId=key_id),
        "NotFoundException",
    )
    name = unique_alias("upderr")
    kms.create_alias(AliasName=name, TargetKeyId=key_id)
    assert_client_error(
        lambda: kms.update_alias(AliasName=name, TargetKeyId=str(uuid.uuid4())),
        "NotFoundException",
    )


def test_delete_alias(kms, key_id):
    name = unique_alias("del")
    kms.create_alias(AliasName=name, TargetKeyId=key_id)
    kms.delete_alias(AliasName=name)
    assert find_alias(kms, name) is None
    assert_client_error(lambda: kms.describe_key(KeyId=name), "NotFoundException")
    # key itself is unaffected
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    # deleting again -> NotFound
    assert_client_error(lambda: kms.delete_alias(AliasName=name), "NotFoundException")
    # the name can be reused
    kms.create_alias(AliasName=name, TargetKeyId=key_id)
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == key_id


def test_alias_to_unknown_key(kms):
    assert_client_error(
        lambda: kms.create_alias(AliasName=unique_alias("unk"), TargetKeyId=str(uuid.uuid4())),
        "NotFoundException",
    )


def test_alias_must_start_with_alias_prefix(kms, key_id):
    assert_client_error(
        lambda: kms.create_alias(AliasName=f"noprefix-{uuid.uuid4().hex[:8]}", TargetKeyId=key_id),
        "ValidationException",
        "InvalidAliasNameException",
    )


@pytest.mark.parametrize("name", ["alias/aws/trent-test", "alias/aws/ebs"])
def test_reserved_aws_alias(kms, key_id, name):
    assert_client_error(
        lambda: kms.create_alias(AliasName=name, TargetKeyId=key_id),
        "NotAuthorizedException",
        "InvalidAliasNameException",
    )


@pytest.mark.parametrize(
    "name",
    ["alias/has space", "alias/bang!", "alias/ünï", "alias/semi;colon", "alias/" + "a" * 251],
    ids=["space", "bang", "unicode", "semicolon", "too-long"],
)
def test_alias_bad_chars(kms, key_id, name):
    assert_client_error(
        lambda: kms.create_alias(AliasName=name, TargetKeyId=key_id),
        "ValidationException",
        "InvalidAliasNameException",
    )


def test_alias_with_allowed_punctuation(kms, key_id):
    # AWS docs: alphanumerics, '/', '_' and '-'.
    name = f"alias/ok_Name-1/sub_part-{uuid.uuid4().hex[:6]}"
    kms.create_alias(AliasName=name, TargetKeyId=key_id)
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == key_id


def test_alias_cannot_target_alias(kms, key_id):
    name = unique_alias("base")
    kms.create_alias(AliasName=name, TargetKeyId=key_id)
    # AWS: TargetKeyId must be a key id or key ARN, not an alias.
    try:
        kms.create_alias(AliasName=unique_alias("chain"), TargetKeyId=name)
    except Exception as e:  # noqa: BLE001
        from botocore.exceptions import ClientError

        assert isinstance(e, ClientError)
        assert e.response["Error"]["Code"] in (
            "ValidationException",
            "NotFoundException",
            "InvalidArnException",
        )
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] < 500
    else:
        raise AssertionError("CreateAlias with an alias as TargetKeyId should fail")
