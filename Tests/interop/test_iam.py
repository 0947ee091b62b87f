"""IAM (AWS Query protocol) on Trent's endpoint: users, access keys, inline
and managed policies, roles, tags; AWS's shapes, identifier formats and
error codes; the AWS CLI; `trent user delete`.

Expectations come from the IAM API reference and the botocore model, not
from Trent's implementation."""

import datetime
import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, assert_client_error, aws, aws_json
from iam_support import (
    ACCESS_KEY_RE,
    POLICY_ID_RE,
    ROLE_ID_RE,
    USER_ID_RE,
    allow,
    assert_access_denied,
    create_user,
    doc,
    make_client,
    policy_arn,
    role_arn,
    root_iam,
    root_sts,
    trust_policy,
    uid,
    user_arn,
)


@pytest.fixture(scope="module")
def iam(server):
    return root_iam(server)


def recent(ts: datetime.datetime) -> bool:
    assert isinstance(ts, datetime.datetime), ts
    now = datetime.datetime.now(datetime.timezone.utc)
    return abs((now - ts).total_seconds()) < 300


def user_names(iam) -> list[str]:
    names = []
    for page in iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 1000}):
        names.extend(u["UserName"] for u in page["Users"])
    return names


KMS_ALL = doc(allow("kms:*"))

# ---------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------


def test_create_and_get_user_shapes(iam):
    name = uid("alice")
    u = iam.create_user(UserName=name)["User"]
    assert u["UserName"] == name
    assert u["Path"] == "/"
    assert u["Arn"] == user_arn(name)
    assert USER_ID_RE.fullmatch(u["UserId"]), u["UserId"]
    assert recent(u["CreateDate"])

    got = iam.get_user(UserName=name)["User"]
    assert got["UserName"] == name
    assert got["UserId"] == u["UserId"]
    assert got["Arn"] == u["Arn"]
    assert got["Path"] == "/"
    assert abs((got["CreateDate"] - u["CreateDate"]).total_seconds()) < 2

    other = iam.create_user(UserName=uid("alice"))["User"]
    assert other["UserId"] != u["UserId"]


def test_get_user_without_name_is_the_caller(server):
    p = create_user(server, policy=doc(allow("iam:GetUser")))
    me = p.iam().get_user()["User"]
    assert me["UserName"] == p.name
    assert me["Arn"] == p.arn


def test_create_user_duplicate(iam):
    name = uid("dup")
    first = iam.create_user(UserName=name)["User"]
    e = assert_client_error(lambda: iam.create_user(UserName=name), "EntityAlreadyExists")
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert name in e.response["Error"]["Message"]
    assert user_names(iam).count(name) == 1
    assert iam.get_user(UserName=name)["User"]["UserId"] == first["UserId"]


def test_user_names_are_case_insensitive_unique(iam):
    # IAM user names are unique case-insensitively ("you can't create two
    # users named TESTUSER and testuser").
    name = uid("Case")
    iam.create_user(UserName=name)
    assert_client_error(lambda: iam.create_user(UserName=name.upper()), "EntityAlreadyExists")


def test_unknown_user_is_no_such_entity(iam):
    name = uid("ghost")
    e = assert_client_error(lambda: iam.get_user(UserName=name), "NoSuchEntity")
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert name in e.response["Error"]["Message"]
    assert_client_error(lambda: iam.delete_user(UserName=name), "NoSuchEntity")
    assert_client_error(lambda: iam.create_access_key(UserName=name), "NoSuchEntity")
    assert_client_error(lambda: iam.list_access_keys(UserName=name), "NoSuchEntity")
    assert_client_error(
        lambda: iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=KMS_ALL),
        "NoSuchEntity",
    )
    assert_client_error(lambda: iam.list_user_policies(UserName=name), "NoSuchEntity")
    assert_client_error(lambda: iam.list_attached_user_policies(UserName=name), "NoSuchEntity")
    assert_client_error(
        lambda: iam.tag_user(UserName=name, Tags=[{"Key": "a", "Value": "b"}]), "NoSuchEntity"
    )
    # None of those refused requests created the user.
    assert name not in user_names(iam)


@pytest.mark.parametrize("bad", ["has space", "slash/name", "x" * 65, "", "semi;colon"])
def test_invalid_user_name_is_validation_error(iam, bad):
    assert_client_error(lambda: iam.create_user(UserName=bad), "ValidationError")
    if bad:
        assert bad not in user_names(iam)


def test_user_name_character_set_accepted(iam):
    name = "a+b=c,d.e@f_g-" + uuid_hex(8)
    u = iam.create_user(UserName=name)["User"]
    assert u["Arn"] == user_arn(name)
    assert iam.get_user(UserName=name)["User"]["UserName"] == name
    long_name = "L" + uuid_hex(63)
    assert len(long_name) == 64
    iam.create_user(UserName=long_name)


def uuid_hex(n: int) -> str:
    import uuid

    return (uuid.uuid4().hex * 3)[:n]


def test_list_users_pagination(iam):
    mine = {iam.create_user(UserName=uid("page"))["User"]["UserName"] for _ in range(3)}

    seen: list[str] = []
    marker = None
    pages = 0
    while True:
        kw = {"MaxItems": 2}
        if marker:
            kw["Marker"] = marker
        r = iam.list_users(**kw)
        pages += 1
        assert len(r["Users"]) <= 2
        for u in r["Users"]:
            assert set(u) >= {"UserName", "UserId", "Arn", "Path", "CreateDate"}
            assert USER_ID_RE.fullmatch(u["UserId"])
        seen.extend(u["UserName"] for u in r["Users"])
        if not r.get("IsTruncated"):
            assert not r.get("Marker")
            break
        assert r.get("Marker"), "IsTruncated=true requires Marker"
        marker = r["Marker"]
        assert pages < 5000
    assert pages >= 2
    assert len(seen) == len(set(seen)), "a user appeared on two pages"
    assert mine <= set(seen)
    assert sorted(seen) == sorted(user_names(iam))


def test_delete_user_conflicts_until_everything_is_removed(iam):
    name = uid("del")
    iam.create_user(UserName=name)
    ak = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=KMS_ALL)
    pname = uid("mp")
    parn = iam.create_policy(PolicyName=pname, PolicyDocument=KMS_ALL)["Policy"]["Arn"]
    iam.attach_user_policy(UserName=name, PolicyArn=parn)

    def still_there():
        assert iam.get_user(UserName=name)["User"]["UserName"] == name

    e = assert_client_error(lambda: iam.delete_user(UserName=name), "DeleteConflict")
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    still_there()
    iam.delete_access_key(UserName=name, AccessKeyId=ak)
    assert_client_error(lambda: iam.delete_user(UserName=name), "DeleteConflict")
    still_there()
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == ["inline"]
    iam.delete_user_policy(UserName=name, PolicyName="inline")
    assert_client_error(lambda: iam.delete_user(UserName=name), "DeleteConflict")
    still_there()
    iam.detach_user_policy(UserName=name, PolicyArn=parn)
    iam.delete_user(UserName=name)
    assert_client_error(lambda: iam.get_user(UserName=name), "NoSuchEntity")
    assert name not in user_names(iam)
    # The managed policy itself survives its last detachment.
    assert iam.get_policy(PolicyArn=parn)["Policy"]["AttachmentCount"] == 0
    # A new user of the same name is a new identity.
    again = iam.create_user(UserName=name)["User"]
    assert again["Arn"] == user_arn(name)
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == []
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []


# ---------------------------------------------------------------------------
# Access keys
# ---------------------------------------------------------------------------


def test_access_key_shapes_limit_and_listing(iam):
    name = uid("keys")
    iam.create_user(UserName=name)
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []

    k1 = iam.create_access_key(UserName=name)["AccessKey"]
    assert k1["UserName"] == name
    assert ACCESS_KEY_RE.fullmatch(k1["AccessKeyId"]), k1["AccessKeyId"]
    assert k1["Status"] == "Active"
    assert len(k1["SecretAccessKey"]) == 40, k1["SecretAccessKey"]
    assert recent(k1["CreateDate"])
    k2 = iam.create_access_key(UserName=name)["AccessKey"]
    assert k2["AccessKeyId"] != k1["AccessKeyId"]
    assert k2["SecretAccessKey"] != k1["SecretAccessKey"]

    e = assert_client_error(lambda: iam.create_access_key(UserName=name), "LimitExceeded")
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert "AccessKeysPerUser" in e.response["Error"]["Message"]

    listed = iam.list_access_keys(UserName=name)
    meta = listed["AccessKeyMetadata"]
    assert not listed.get("IsTruncated")
    assert {m["AccessKeyId"] for m in meta} == {k1["AccessKeyId"], k2["AccessKeyId"]}
    for m in meta:
        assert m["UserName"] == name
        assert m["Status"] == "Active"
        assert "SecretAccessKey" not in m
        assert recent(m["CreateDate"])

    # Pagination with MaxItems.
    p1 = iam.list_access_keys(UserName=name, MaxItems=1)
    assert len(p1["AccessKeyMetadata"]) == 1 and p1["IsTruncated"] and p1["Marker"]
    p2 = iam.list_access_keys(UserName=name, MaxItems=1, Marker=p1["Marker"])
    assert len(p2["AccessKeyMetadata"]) == 1 and not p2.get("IsTruncated")
    assert {p1["AccessKeyMetadata"][0]["AccessKeyId"], p2["AccessKeyMetadata"][0]["AccessKeyId"]} == {
        k1["AccessKeyId"],
        k2["AccessKeyId"],
    }

    # Deleting one frees a slot.
    iam.delete_access_key(UserName=name, AccessKeyId=k1["AccessKeyId"])
    k3 = iam.create_access_key(UserName=name)["AccessKey"]
    assert {m["AccessKeyId"] for m in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]} == {
        k2["AccessKeyId"],
        k3["AccessKeyId"],
    }


def test_inactive_access_key_is_rejected_on_the_next_call(server, iam):
    p = create_user(server, policy=KMS_ALL)
    kms = p.kms()
    sts = p.sts()
    kms.list_keys()
    assert sts.get_caller_identity()["Arn"] == p.arn

    iam.update_access_key(UserName=p.name, AccessKeyId=p.access_key_id, Status="Inactive")
    [m] = iam.list_access_keys(UserName=p.name)["AccessKeyMetadata"]
    assert m["Status"] == "Inactive"
    # AWS answers a deactivated key like an unknown one: "The security token
    # included in the request is invalid." (KMS: UnrecognizedClientException;
    # Query-protocol services such as STS/IAM: InvalidClientTokenId).
    assert_client_error(lambda: kms.list_keys(), "UnrecognizedClientException")
    assert_client_error(lambda: sts.get_caller_identity(), "InvalidClientTokenId")
    assert_client_error(lambda: p.iam().list_users(), "InvalidClientTokenId")

    iam.update_access_key(UserName=p.name, AccessKeyId=p.access_key_id, Status="Active")
    kms.list_keys()
    assert sts.get_caller_identity()["Arn"] == p.arn


def test_deleted_access_key_is_rejected_on_the_next_call(server, iam):
    p = create_user(server, policy=KMS_ALL)
    spare = iam.create_access_key(UserName=p.name)["AccessKey"]
    kms = p.kms()
    kms.list_keys()
    r = iam.delete_access_key(UserName=p.name, AccessKeyId=p.access_key_id)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert_client_error(lambda: kms.list_keys(), "UnrecognizedClientException")
    assert_client_error(lambda: p.sts().get_caller_identity(), "InvalidClientTokenId")
    assert [m["AccessKeyId"] for m in iam.list_access_keys(UserName=p.name)["AccessKeyMetadata"]] == [
        spare["AccessKeyId"]
    ]
    # The other key of the same user is unaffected.
    make_client("kms", server.endpoint, spare["AccessKeyId"], spare["SecretAccessKey"]).list_keys()


def test_access_key_errors(iam):
    name = uid("kerr")
    iam.create_user(UserName=name)
    ak = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    missing = "AKIA" + "Z" * 16
    assert_client_error(
        lambda: iam.update_access_key(UserName=name, AccessKeyId=missing, Status="Inactive"),
        "NoSuchEntity",
    )
    assert_client_error(lambda: iam.delete_access_key(UserName=name, AccessKeyId=missing), "NoSuchEntity")
    assert_client_error(
        lambda: iam.update_access_key(UserName=name, AccessKeyId=ak, Status="Disabled"),
        "ValidationError",
    )
    # A key is addressed through its own user only.
    other = uid("kerr")
    iam.create_user(UserName=other)
    assert_client_error(lambda: iam.delete_access_key(UserName=other, AccessKeyId=ak), "NoSuchEntity")
    assert_client_error(
        lambda: iam.update_access_key(UserName=other, AccessKeyId=ak, Status="Inactive"),
        "NoSuchEntity",
    )
    [m] = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert m["AccessKeyId"] == ak and m["Status"] == "Active"


# ---------------------------------------------------------------------------
# Inline user policies
# ---------------------------------------------------------------------------


def test_inline_user_policies(iam):
    name = uid("inl")
    iam.create_user(UserName=name)
    p1 = {"Version": "2012-10-17", "Statement": [allow("kms:Encrypt")]}
    p2 = {"Version": "2012-10-17", "Statement": [allow(["kms:Decrypt", "kms:DescribeKey"])]}
    r = iam.put_user_policy(UserName=name, PolicyName="zeta", PolicyDocument=json.dumps(p1))
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    iam.put_user_policy(UserName=name, PolicyName="alpha", PolicyDocument=json.dumps(p2))

    got = iam.get_user_policy(UserName=name, PolicyName="zeta")
    assert got["UserName"] == name
    assert got["PolicyName"] == "zeta"
    # botocore URL-decodes and JSON-parses PolicyDocument.
    assert got["PolicyDocument"] == p1
    listed = iam.list_user_policies(UserName=name)
    assert sorted(listed["PolicyNames"]) == ["alpha", "zeta"]
    assert not listed.get("IsTruncated")

    page = iam.list_user_policies(UserName=name, MaxItems=1)
    assert len(page["PolicyNames"]) == 1 and page["IsTruncated"] and page["Marker"]
    page2 = iam.list_user_policies(UserName=name, MaxItems=1, Marker=page["Marker"])
    assert len(page2["PolicyNames"]) == 1 and not page2.get("IsTruncated")
    assert sorted(page["PolicyNames"] + page2["PolicyNames"]) == ["alpha", "zeta"]

    # Putting the same name again replaces the document.
    iam.put_user_policy(UserName=name, PolicyName="zeta", PolicyDocument=json.dumps(p2))
    assert iam.get_user_policy(UserName=name, PolicyName="zeta")["PolicyDocument"] == p2
    assert sorted(iam.list_user_policies(UserName=name)["PolicyNames"]) == ["alpha", "zeta"]

    iam.delete_user_policy(UserName=name, PolicyName="zeta")
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == ["alpha"]
    assert_client_error(lambda: iam.get_user_policy(UserName=name, PolicyName="zeta"), "NoSuchEntity")
    assert_client_error(lambda: iam.delete_user_policy(UserName=name, PolicyName="zeta"), "NoSuchEntity")


MALFORMED_IDENTITY_POLICIES = {
    "bad-json": '{"Version": "2012-10-17", "Statement": [',
    "not-an-object": "[]",
    "missing-effect": json.dumps({"Version": "2012-10-17", "Statement": [{"Action": "kms:*", "Resource": "*"}]}),
    "bad-effect": json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "kms:*", "Resource": "*"}]}
    ),
    "missing-action": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}),
    "principal-in-identity-policy": json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}],
        }
    ),
    "bad-version": json.dumps(
        {"Version": "2099-01-01", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
    ),
}


@pytest.mark.parametrize("kind", sorted(MALFORMED_IDENTITY_POLICIES))
def test_malformed_user_policy_is_refused_and_not_stored(iam, kind):
    name = uid("mal")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="keep", PolicyDocument=KMS_ALL)
    bad = MALFORMED_IDENTITY_POLICIES[kind]
    assert_client_error(
        lambda: iam.put_user_policy(UserName=name, PolicyName="bad", PolicyDocument=bad),
        "MalformedPolicyDocument",
    )
    # Nor may a malformed document replace an existing one.
    assert_client_error(
        lambda: iam.put_user_policy(UserName=name, PolicyName="keep", PolicyDocument=bad),
        "MalformedPolicyDocument",
    )
    assert iam.list_user_policies(UserName=name)["PolicyNames"] == ["keep"]
    assert iam.get_user_policy(UserName=name, PolicyName="keep")["PolicyDocument"] == json.loads(KMS_ALL)


# ---------------------------------------------------------------------------
# Managed policies
# ---------------------------------------------------------------------------


def test_managed_policy_lifecycle(iam):
    pname = uid("mp")
    pol = iam.create_policy(PolicyName=pname, PolicyDocument=KMS_ALL, Description="interop")["Policy"]
    assert pol["PolicyName"] == pname
    assert pol["Arn"] == policy_arn(pname)
    assert POLICY_ID_RE.fullmatch(pol["PolicyId"]), pol["PolicyId"]
    assert pol["Path"] == "/"
    assert pol["DefaultVersionId"] == "v1"
    assert pol["AttachmentCount"] == 0
    assert pol["IsAttachable"] is True
    assert recent(pol["CreateDate"])

    got = iam.get_policy(PolicyArn=pol["Arn"])["Policy"]
    assert got["PolicyId"] == pol["PolicyId"]
    assert got["Arn"] == pol["Arn"]
    assert got["AttachmentCount"] == 0

    e = assert_client_error(
        lambda: iam.create_policy(PolicyName=pname, PolicyDocument=KMS_ALL), "EntityAlreadyExists"
    )
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 409

    user = uid("mpu")
    iam.create_user(UserName=user)
    iam.attach_user_policy(UserName=user, PolicyArn=pol["Arn"])
    # Attaching twice is idempotent in AWS.
    iam.attach_user_policy(UserName=user, PolicyArn=pol["Arn"])
    attached = iam.list_attached_user_policies(UserName=user)
    assert attached["AttachedPolicies"] == [{"PolicyName": pname, "PolicyArn": pol["Arn"]}]
    assert not attached.get("IsTruncated")
    assert iam.get_policy(PolicyArn=pol["Arn"])["Policy"]["AttachmentCount"] == 1

    e = assert_client_error(lambda: iam.delete_policy(PolicyArn=pol["Arn"]), "DeleteConflict")
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert iam.get_policy(PolicyArn=pol["Arn"])["Policy"]["PolicyId"] == pol["PolicyId"]

    iam.detach_user_policy(UserName=user, PolicyArn=pol["Arn"])
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == []
    assert_client_error(lambda: iam.detach_user_policy(UserName=user, PolicyArn=pol["Arn"]), "NoSuchEntity")
    iam.delete_policy(PolicyArn=pol["Arn"])
    assert_client_error(lambda: iam.get_policy(PolicyArn=pol["Arn"]), "NoSuchEntity")
    assert_client_error(lambda: iam.delete_policy(PolicyArn=pol["Arn"]), "NoSuchEntity")
    assert_client_error(lambda: iam.attach_user_policy(UserName=user, PolicyArn=pol["Arn"]), "NoSuchEntity")
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == []


def test_attached_user_policies_pagination(iam):
    user = uid("mpp")
    iam.create_user(UserName=user)
    arns = set()
    for _ in range(3):
        arn = iam.create_policy(PolicyName=uid("mpp"), PolicyDocument=KMS_ALL)["Policy"]["Arn"]
        iam.attach_user_policy(UserName=user, PolicyArn=arn)
        arns.add(arn)
    p1 = iam.list_attached_user_policies(UserName=user, MaxItems=2)
    assert len(p1["AttachedPolicies"]) == 2 and p1["IsTruncated"] and p1["Marker"]
    p2 = iam.list_attached_user_policies(UserName=user, MaxItems=2, Marker=p1["Marker"])
    assert len(p2["AttachedPolicies"]) == 1 and not p2.get("IsTruncated")
    assert {p["PolicyArn"] for p in p1["AttachedPolicies"] + p2["AttachedPolicies"]} == arns


def test_malformed_managed_policy_not_created(iam):
    pname = uid("badmp")
    assert_client_error(
        lambda: iam.create_policy(PolicyName=pname, PolicyDocument='{"Statement": [}'),
        "MalformedPolicyDocument",
    )
    assert_client_error(lambda: iam.get_policy(PolicyArn=policy_arn(pname)), "NoSuchEntity")
    # A valid one under the same name can then be created.
    assert iam.create_policy(PolicyName=pname, PolicyDocument=KMS_ALL)["Policy"]["Arn"] == policy_arn(pname)


def test_attach_unknown_policy_or_user(iam):
    user = uid("nou")
    iam.create_user(UserName=user)
    assert_client_error(
        lambda: iam.attach_user_policy(UserName=user, PolicyArn=policy_arn(uid("nope"))), "NoSuchEntity"
    )
    arn = iam.create_policy(PolicyName=uid("mp"), PolicyDocument=KMS_ALL)["Policy"]["Arn"]
    assert_client_error(lambda: iam.attach_user_policy(UserName=uid("nouser"), PolicyArn=arn), "NoSuchEntity")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 0
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == []


# ---------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------


def test_role_lifecycle(iam):
    name = uid("role")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Description="d")["Role"]
    assert role["RoleName"] == name
    assert role["Arn"] == role_arn(name)
    assert role["Path"] == "/"
    assert ROLE_ID_RE.fullmatch(role["RoleId"]), role["RoleId"]
    assert recent(role["CreateDate"])
    assert role["AssumeRolePolicyDocument"] == trust

    got = iam.get_role(RoleName=name)["Role"]
    assert got["RoleId"] == role["RoleId"]
    assert got["Arn"] == role["Arn"]
    assert got["AssumeRolePolicyDocument"] == trust

    e = assert_client_error(
        lambda: iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust)),
        "EntityAlreadyExists",
    )
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 409

    iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=KMS_ALL)
    parn = iam.create_policy(PolicyName=uid("rp"), PolicyDocument=KMS_ALL)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=name, PolicyArn=parn)
    assert iam.get_policy(PolicyArn=parn)["Policy"]["AttachmentCount"] == 1
    assert_client_error(lambda: iam.delete_policy(PolicyArn=parn), "DeleteConflict")

    assert_client_error(lambda: iam.delete_role(RoleName=name), "DeleteConflict")
    assert iam.get_role(RoleName=name)["Role"]["RoleId"] == role["RoleId"]
    iam.delete_role_policy(RoleName=name, PolicyName="inline")
    assert_client_error(lambda: iam.delete_role_policy(RoleName=name, PolicyName="inline"), "NoSuchEntity")
    assert_client_error(lambda: iam.delete_role(RoleName=name), "DeleteConflict")
    assert iam.get_role(RoleName=name)["Role"]["RoleId"] == role["RoleId"]
    iam.detach_role_policy(RoleName=name, PolicyArn=parn)
    assert_client_error(lambda: iam.detach_role_policy(RoleName=name, PolicyArn=parn), "NoSuchEntity")
    iam.delete_role(RoleName=name)
    assert_client_error(lambda: iam.get_role(RoleName=name), "NoSuchEntity")
    assert_client_error(lambda: iam.delete_role(RoleName=name), "NoSuchEntity")
    iam.delete_policy(PolicyArn=parn)


def test_role_errors(iam):
    ghost = uid("ghostrole")
    assert_client_error(lambda: iam.get_role(RoleName=ghost), "NoSuchEntity")
    assert_client_error(
        lambda: iam.put_role_policy(RoleName=ghost, PolicyName="p", PolicyDocument=KMS_ALL), "NoSuchEntity"
    )
    assert_client_error(lambda: iam.delete_role_policy(RoleName=ghost, PolicyName="p"), "NoSuchEntity")
    assert_client_error(
        lambda: iam.tag_role(RoleName=ghost, Tags=[{"Key": "a", "Value": "b"}]), "NoSuchEntity"
    )

    bad_trusts = [
        '{"Version": "2012-10-17", "Statement": [',
        # A trust policy needs a Principal.
        json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}),
    ]
    for bad in bad_trusts:
        name = uid("badtrust")
        assert_client_error(
            lambda: iam.create_role(RoleName=name, AssumeRolePolicyDocument=bad), "MalformedPolicyDocument"
        )
        assert_client_error(lambda: iam.get_role(RoleName=name), "NoSuchEntity")

    name = uid("role")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy(f"arn:aws:iam::{ACCOUNT_ID}:root"))
    assert_client_error(
        lambda: iam.put_role_policy(RoleName=name, PolicyName="bad", PolicyDocument="{not json"),
        "MalformedPolicyDocument",
    )
    assert_client_error(lambda: iam.delete_role_policy(RoleName=name, PolicyName="bad"), "NoSuchEntity")
    assert_client_error(
        lambda: iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn(uid("nope"))), "NoSuchEntity"
    )
    assert_client_error(
        lambda: iam.create_role(RoleName="bad name!", AssumeRolePolicyDocument=trust_policy(user_arn("x"))),
        "ValidationError",
        "MalformedPolicyDocument",
    )
    # Nothing was left behind: the role can be deleted (no policies).
    iam.delete_role(RoleName=name)


# ---------------------------------------------------------------------------
# Tags
# ---------------------------------------------------------------------------


def tag_map(tags):
    return {t["Key"]: t["Value"] for t in tags or []}


def test_tag_user_and_role(iam):
    user = uid("tagu")
    iam.create_user(UserName=user)
    iam.tag_user(UserName=user, Tags=[{"Key": "team", "Value": "blue"}, {"Key": "env", "Value": "dev"}])
    assert tag_map(iam.get_user(UserName=user)["User"].get("Tags")) == {"team": "blue", "env": "dev"}
    # Tagging an existing key replaces its value.
    iam.tag_user(UserName=user, Tags=[{"Key": "team", "Value": "red"}])
    assert tag_map(iam.get_user(UserName=user)["User"].get("Tags")) == {"team": "red", "env": "dev"}

    role = uid("tagr")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust_policy(f"arn:aws:iam::{ACCOUNT_ID}:root"))
    iam.tag_role(RoleName=role, Tags=[{"Key": "owner", "Value": "ops"}])
    assert tag_map(iam.get_role(RoleName=role)["Role"].get("Tags")) == {"owner": "ops"}

    # Invalid tags are refused and change nothing.
    assert_client_error(
        lambda: iam.tag_user(UserName=user, Tags=[{"Key": "k" * 129, "Value": "v"}]),
        "ValidationError",
        "InvalidInput",
    )
    assert tag_map(iam.get_user(UserName=user)["User"].get("Tags")) == {"team": "red", "env": "dev"}


# ---------------------------------------------------------------------------
# Authorization of IAM calls themselves
# ---------------------------------------------------------------------------


def test_user_without_iam_permissions_cannot_manage_iam(server, iam):
    bob = create_user(server, policy=KMS_ALL)
    victim = uid("victim")
    assert_access_denied(
        lambda: bob.iam().create_user(UserName=victim),
        principal_arn=bob.arn,
        action="iam:CreateUser",
        resource=user_arn(victim),
        because=r"no identity-based policy allows the iam:CreateUser action",
        code="AccessDenied",
    )
    assert_client_error(lambda: iam.get_user(UserName=victim), "NoSuchEntity")
    # Bob cannot grant himself more either.
    assert_access_denied(
        lambda: bob.iam().put_user_policy(
            UserName=bob.name, PolicyName="escalate", PolicyDocument=doc(allow("iam:*"))
        ),
        principal_arn=bob.arn,
        action="iam:PutUserPolicy",
        code="AccessDenied",
    )
    assert iam.list_user_policies(UserName=bob.name)["PolicyNames"] == ["inline"]


def test_user_with_iam_policy_can_create_users(server, iam):
    admin = create_user(server, policy=doc(allow(["iam:CreateUser", "iam:GetUser"])))
    name = uid("made")
    u = admin.iam().create_user(UserName=name)["User"]
    assert u["Arn"] == user_arn(name)
    assert iam.get_user(UserName=name)["User"]["UserId"] == u["UserId"]
    # ...but nothing else.
    assert_access_denied(
        lambda: admin.iam().create_access_key(UserName=name),
        principal_arn=admin.arn,
        action="iam:CreateAccessKey",
        code="AccessDenied",
    )
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []


# ---------------------------------------------------------------------------
# AWS CLI
# ---------------------------------------------------------------------------


def test_cli_iam_users_and_keys(aws_cli_env, server, tmp_path):
    env = dict(aws_cli_env)
    env["AWS_ENDPOINT_URL_IAM"] = server.endpoint
    env["AWS_ENDPOINT_URL_STS"] = server.endpoint
    name = uid("cli")
    u = aws_json(env, "iam", "create-user", "--user-name", name)["User"]
    assert u["Arn"] == user_arn(name)
    assert USER_ID_RE.fullmatch(u["UserId"])

    users = aws_json(env, "iam", "list-users")["Users"]
    assert name in {x["UserName"] for x in users}
    # The CLI follows Marker itself with a small page size.
    paged = aws_json(env, "iam", "list-users", "--page-size", "2")["Users"]
    assert sorted(x["UserName"] for x in paged) == sorted(x["UserName"] for x in users)

    k = aws_json(env, "iam", "create-access-key", "--user-name", name)["AccessKey"]
    assert ACCESS_KEY_RE.fullmatch(k["AccessKeyId"])
    assert k["Status"] == "Active"
    listed = aws_json(env, "iam", "list-access-keys", "--user-name", name)["AccessKeyMetadata"]
    assert [x["AccessKeyId"] for x in listed] == [k["AccessKeyId"]]

    dup = aws(env, "iam", "create-user", "--user-name", name, check=False)
    assert dup.returncode != 0 and b"EntityAlreadyExists" in dup.stderr, dup.stderr

    # The new key signs requests at once.
    env2 = dict(env, AWS_ACCESS_KEY_ID=k["AccessKeyId"], AWS_SECRET_ACCESS_KEY=k["SecretAccessKey"])
    me = aws_json(env2, "sts", "get-caller-identity")
    assert me["Arn"] == user_arn(name)
    assert me["Account"] == ACCOUNT_ID

    # --endpoint-url works too.
    env3 = dict(aws_cli_env)
    got = aws_json(env3, "--endpoint-url", server.endpoint, "iam", "get-user", "--user-name", name)["User"]
    assert got["UserId"] == u["UserId"]


# ---------------------------------------------------------------------------
# trent user create / delete and the IAM API see the same identities
# ---------------------------------------------------------------------------


def test_trent_user_create_is_visible_through_iam(server, iam):
    name = uid("adm")
    out = server.admin_json("user", "create", name)
    assert out["UserName"] == name
    assert ACCESS_KEY_RE.fullmatch(out["AccessKeyId"]), out["AccessKeyId"]
    u = iam.get_user(UserName=name)["User"]
    assert u["Arn"] == user_arn(name)
    assert [m["AccessKeyId"] for m in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]] == [
        out["AccessKeyId"]
    ]
    sts = make_client("sts", server.endpoint, out["AccessKeyId"], out["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"] == u["Arn"]
    # And a user created through IAM is listed by the admin command.
    other = uid("viaiam")
    iam.create_user(UserName=other)
    assert other in {x["UserName"] for x in server.admin_json("user", "list")["Users"]}


def test_trent_user_delete(new_server):
    # The CLI is another process: the server sees the deletion within its
    # credential cache lifetime (here 1 s), not at once as through the API.
    server = new_server(extra_args=("--credential-cache-seconds", "1"))
    iam = make_client("iam", server.endpoint)
    name = uid("gone")
    out = server.admin_json("user", "create", name)
    kms = make_client("kms", server.endpoint, out["AccessKeyId"], out["SecretAccessKey"])
    iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=KMS_ALL)
    kms.list_keys()

    cp = server.admin("user", "delete", name)
    assert cp.returncode == 0
    assert_client_error(lambda: iam.get_user(UserName=name), "NoSuchEntity")
    assert name not in {x["UserName"] for x in server.admin_json("user", "list")["Users"]}
    deadline = time.monotonic() + 5
    while True:
        try:
            kms.list_keys()
        except ClientError as e:
            assert e.response["Error"]["Code"] == "UnrecognizedClientException"
            break
        assert time.monotonic() < deadline, "deleted user's key still accepted after the cache lifetime"
        time.sleep(0.2)

    # Deleting an unknown user fails with a non-zero exit and leaves others alone.
    bad = server.admin("user", "delete", uid("nobody"), check=False)
    assert bad.returncode != 0, bad.stdout
    root_sts(server).get_caller_identity()


def test_trent_user_delete_then_recreate_gets_new_identity(server, iam):
    name = uid("again")
    first = server.admin_json("user", "create", name)
    uid1 = iam.get_user(UserName=name)["User"]["UserId"]
    server.admin("user", "delete", name)
    second = server.admin_json("user", "create", name)
    assert second["AccessKeyId"] != first["AccessKeyId"]
    assert iam.get_user(UserName=name)["User"]["UserId"] != uid1
    # The old key does not come back with the name.
    old = make_client("sts", server.endpoint, first["AccessKeyId"], first["SecretAccessKey"])
    assert_client_error(lambda: old.get_caller_identity(), "InvalidClientTokenId")
    new = make_client("sts", server.endpoint, second["AccessKeyId"], second["SecretAccessKey"])
    assert new.get_caller_identity()["Arn"] == user_arn(name)
