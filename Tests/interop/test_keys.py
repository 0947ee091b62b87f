"""Key management operations: CreateKey, DescribeKey, ListKeys,
UpdateKeyDescription, and unsupported key types."""

import datetime
import re
import uuid

import pytest

from conftest import ACCOUNT_ID, REGION, assert_client_error, paginate_by_marker, unique_alias

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_create_key_defaults(kms):
    before = datetime.datetime.now(datetime.timezone.utc)
    md = kms.create_key()["KeyMetadata"]
    assert UUID_RE.match(md["KeyId"]), md["KeyId"]
    assert md["Arn"] == f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/{md['KeyId']}"
    assert md["AWSAccountId"] == ACCOUNT_ID
    assert md["Enabled"] is True
    assert md["KeyState"] == "Enabled"
    assert md["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert md["KeySpec"] == "SYMMETRIC_DEFAULT"
    assert md["Origin"] == "AWS_KMS"
    assert md.get("Description", "") == ""
    created = md["CreationDate"]
    assert isinstance(created, datetime.datetime)
    assert abs((created - before).total_seconds()) < 120
    assert "DeletionDate" not in md


def test_create_key_full_aws_metadata(kms):
    """Fields real AWS KMS returns for a customer-managed symmetric key."""
    md = kms.create_key(Description="meta")["KeyMetadata"]
    assert md["KeyManager"] == "CUSTOMER"
    assert md["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert md.get("CustomerMasterKeySpec") == "SYMMETRIC_DEFAULT"
    assert md.get("MultiRegion") is False


def test_create_key_explicit_params_description_and_tags(kms):
    md = kms.create_key(
        KeySpec="SYMMETRIC_DEFAULT",
        KeyUsage="ENCRYPT_DECRYPT",
        Origin="AWS_KMS",
        Description="hello trent – ünïcødé",
        Tags=[{"TagKey": "team", "TagValue": "interop"}, {"TagKey": "env", "TagValue": "test"}],
    )["KeyMetadata"]
    assert md["Description"] == "hello trent – ünïcødé"
    again = kms.describe_key(KeyId=md["KeyId"])["KeyMetadata"]
    assert again["Description"] == "hello trent – ünïcødé"


def test_create_key_ids_unique(kms):
    ids = {kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(5)}
    assert len(ids) == 5


@pytest.mark.parametrize(
    "kwargs",
    [
        {"KeySpec": "SM2", "KeyUsage": "SIGN_VERIFY"},
        {"KeySpec": "ML_DSA_44", "KeyUsage": "SIGN_VERIFY"},
        {"MultiRegion": True},
    ],
    ids=["sm2", "ml-dsa-44", "multi-region"],
)
def test_create_key_unsupported_variants(kms, kwargs):
    assert_client_error(lambda: kms.create_key(**kwargs), "UnsupportedOperationException")


def test_create_key_description_too_long(kms):
    assert_client_error(lambda: kms.create_key(Description="x" * 8193), "ValidationException")


def test_describe_key_by_all_identifiers(kms, key):
    alias = unique_alias("describe")
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    alias_arn = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:{alias}"
    for ident in (key["KeyId"], key["Arn"], alias, alias_arn):
        md = kms.describe_key(KeyId=ident)["KeyMetadata"]
        assert md["KeyId"] == key["KeyId"], ident
        assert md["Arn"] == key["Arn"], ident


@pytest.mark.parametrize(
    "ident",
    [
        str(uuid.uuid4()),
        f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/{uuid.uuid4()}",
        "alias/does-not-exist-trent",
        f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:alias/does-not-exist-trent",
        "not-a-key-id",
    ],
    ids=["uuid", "key-arn", "alias", "alias-arn", "garbage"],
)
def test_describe_key_not_found(kms, ident):
    assert_client_error(lambda: kms.describe_key(KeyId=ident), "NotFoundException")


def test_describe_key_missing_keyid(kms):
    assert_client_error(lambda: kms.describe_key(), "ValidationException", "SerializationException")


def test_update_key_description(kms, key_id):
    kms.update_key_description(KeyId=key_id, Description="updated description")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "updated description"
    kms.update_key_description(KeyId=key_id, Description="")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"].get("Description", "") == ""


def test_update_key_description_not_found(kms):
    assert_client_error(
        lambda: kms.update_key_description(KeyId=str(uuid.uuid4()), Description="x"),
        "NotFoundException",
    )


def test_list_keys_contains_created(kms, key):
    seen = {}
    for page in kms.get_paginator("list_keys").paginate():
        for k in page["Keys"]:
            seen[k["KeyId"]] = k["KeyArn"]
    assert seen.get(key["KeyId"]) == key["Arn"]


def test_list_keys_manual_pagination(kms):
    for _ in range(5):
        kms.create_key(Description="pagination")
    total = sum(len(p["Keys"]) for p in kms.get_paginator("list_keys").paginate())
    assert total >= 5

    keys, pages = paginate_by_marker(kms.list_keys, "Keys")
    collected = [k["KeyId"] for k in keys]
    assert len(collected) == len(set(collected)), "pagination returned duplicates"
    assert len(collected) >= total  # keys may be created concurrently only by us
    assert pages >= 3


def test_list_keys_paginator_with_page_size(kms):
    for _ in range(3):
        kms.create_key()
    pages = list(kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 1}))
    ids = [k["KeyId"] for p in pages for k in p["Keys"]]
    assert len(ids) == len(set(ids))
    assert len(pages) >= 3
    all_ids = {k["KeyId"] for p in kms.get_paginator("list_keys").paginate() for k in p["Keys"]}
    assert set(ids) == all_ids


def test_list_keys_large_limit_not_truncated_for_small_sets(kms):
    resp = kms.list_keys(Limit=1000)
    # With < 1000 keys in the test account, everything fits in one page.
    assert resp["Truncated"] is False
    assert len(resp["Keys"]) >= 1


@pytest.mark.parametrize("limit", [0, 1001])
def test_list_keys_limit_out_of_range(kms, limit):
    assert_client_error(lambda: kms.list_keys(Limit=limit), "ValidationException")


def test_list_keys_invalid_marker(kms):
    assert_client_error(
        lambda: kms.list_keys(Marker="this-is-not-a-valid-marker!!"),
        "InvalidMarkerException",
        "ValidationException",
    )


@pytest.mark.parametrize(
    "make_ident",
    [
        lambda md: md["Arn"].replace(f":{ACCOUNT_ID}:", ":999999999999:"),
        lambda md: md["Arn"].replace(f":{REGION}:", ":eu-central-1:"),
        lambda md: md["Arn"].replace("arn:aws:kms:", "arn:aws:s3:"),
        lambda md: md["Arn"].rsplit("/", 1)[0] + "/",
    ],
    ids=["other-account", "other-region", "other-service", "empty-key-id"],
)
def test_describe_key_foreign_or_malformed_arn(kms, key, make_ident):
    """An ARN naming another account/region/service does not resolve to our key."""
    assert_client_error(
        lambda: kms.describe_key(KeyId=make_ident(key)), "NotFoundException", "InvalidArnException"
    )


def test_concurrent_create_and_list(server):
    """Parallel CreateKey from several clients: all succeed, all are listed."""
    from concurrent.futures import ThreadPoolExecutor

    clients = [server.client() for _ in range(8)]

    def work(c):
        return [c.create_key(Description="concurrent")["KeyMetadata"]["KeyId"] for _ in range(5)]

    with ThreadPoolExecutor(8) as ex:
        created = [k for ks in ex.map(work, clients) for k in ks]
    assert len(set(created)) == 40
    listed = {
        k["KeyId"]
        for p in clients[0].get_paginator("list_keys").paginate()
        for k in p["Keys"]
    }
    assert set(created) <= listed
