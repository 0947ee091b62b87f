"""Key policies: the default policy, CreateKey Policy, Put/Get/ListKeyPolicies,
the 32 KB size quota, malformed documents, and the lockout safety check.
Every refusal is followed by a check that the stored policy did not change."""

import json

import pytest

from conftest import ACCOUNT_ID, assert_client_error
from iam_support import (
    ROOT_ARN,
    all_key_ids,
    allow,
    assert_access_denied,
    create_user,
    deny,
    key_policy,
    policy_of,
    root_statement,
    uid,
    user_arn,
)

MAX_POLICY = 32768


def test_default_key_policy(kms, key_id):
    r = kms.get_key_policy(KeyId=key_id, PolicyName="default")
    p = json.loads(r["Policy"])
    assert p["Version"] == "2012-10-17"
    assert p.get("Id", "key-default-1") == "key-default-1"
    assert p["Statement"] == [
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    assert r.get("PolicyName", "default") == "default"
    # PolicyName is optional and defaults to "default".
    assert json.loads(kms.get_key_policy(KeyId=key_id)["Policy"]) == p


def test_list_key_policies(kms, key_id, key_arn):
    r = kms.list_key_policies(KeyId=key_id)
    assert r["PolicyNames"] == ["default"]
    assert r["Truncated"] is False
    assert kms.list_key_policies(KeyId=key_arn)["PolicyNames"] == ["default"]


def test_key_policy_of_unknown_key(kms):
    import uuid

    missing = str(uuid.uuid4())
    assert_client_error(lambda: kms.get_key_policy(KeyId=missing, PolicyName="default"), "NotFoundException")
    assert_client_error(lambda: kms.list_key_policies(KeyId=missing), "NotFoundException")
    assert_client_error(
        lambda: kms.put_key_policy(KeyId=missing, PolicyName="default", Policy=key_policy()), "NotFoundException"
    )


def test_put_and_get_roundtrip(server, kms, key_id, key_arn):
    alice = create_user(server)
    new = key_policy(allow(["kms:Decrypt", "kms:DescribeKey"], principal=alice.arn, sid="AliceDecrypt"))
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=new)
    assert policy_of(kms, key_id) == json.loads(new)
    # By ARN too, and PolicyName optional on Put as well.
    newer = key_policy(allow("kms:Encrypt", principal=alice.arn, sid="AliceEncrypt"))
    kms.put_key_policy(KeyId=key_arn, Policy=newer)
    assert policy_of(kms, key_id) == json.loads(newer)


def test_create_key_with_policy(server, kms):
    alice = create_user(server)
    p = key_policy(allow("kms:Encrypt", principal=alice.arn, sid="Alice"))
    md = kms.create_key(Policy=p)["KeyMetadata"]
    assert policy_of(kms, md["KeyId"]) == json.loads(p)
    assert kms.list_key_policies(KeyId=md["KeyId"])["PolicyNames"] == ["default"]


def _padded_policy(total: int) -> str:
    """A valid policy of exactly `total` bytes (padding in a condition value)."""
    def build(pad: int) -> str:
        return key_policy(
            allow(
                "kms:Decrypt",
                principal=ROOT_ARN,
                sid="Pad",
                condition={"StringEquals": {"kms:EncryptionContext:pad": "p" * pad}},
            )
        )

    base = len(build(0).encode())
    s = build(total - base)
    assert len(s.encode()) == total
    return s


def test_policy_size_limit(kms, key_id):
    at_limit = _padded_policy(MAX_POLICY)
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=at_limit)
    assert policy_of(kms, key_id) == json.loads(at_limit)

    too_big = _padded_policy(MAX_POLICY + 1)
    assert_client_error(
        lambda: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=too_big), "LimitExceededException"
    )
    assert policy_of(kms, key_id) == json.loads(at_limit)


def test_create_key_with_oversized_policy_creates_nothing(kms):
    before = all_key_ids(kms)
    assert_client_error(lambda: kms.create_key(Policy=_padded_policy(MAX_POLICY + 100)), "LimitExceededException")
    assert all_key_ids(kms) == before


def _stmt(**kw):
    s = {"Sid": "X", "Effect": "Allow", "Principal": {"AWS": ROOT_ARN}, "Action": "kms:Decrypt", "Resource": "*"}
    s.update(kw)
    return {k: v for k, v in s.items() if v is not None}


def _with(extra) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [root_statement(), extra]})


MALFORMED = {
    "bad-json": '{"Version": "2012-10-17", "Statement": [',
    "not-an-object": json.dumps([root_statement()]),
    "no-statement": json.dumps({"Version": "2012-10-17"}),
    "missing-effect": _with(_stmt(Effect=None)),
    "bad-effect": _with(_stmt(Effect="Permit")),
    "missing-principal": _with(_stmt(Principal=None)),
    "unknown-condition-operator": _with(
        _stmt(Condition={"StringEqualz": {"kms:EncryptionContext:purpose": "x"}})
    ),
    "principal-not-an-arn": _with(_stmt(Principal={"AWS": "not-an-arn"})),
    "principal-bad-type": _with(_stmt(Principal={"Martian": "x"})),
    "bad-version": json.dumps(
        {"Version": "2099-12-31", "Statement": [root_statement()]}
    ),
    "action-not-a-string": _with(_stmt(Action=42)),
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_policy_refused_by_put(kms, key_id, kind):
    before = policy_of(kms, key_id)
    assert_client_error(
        lambda: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=MALFORMED[kind]),
        "MalformedPolicyDocumentException",
    )
    assert policy_of(kms, key_id) == before


def test_policy_naming_a_nonexistent_principal_is_refused(kms, key_id):
    # "The principals in the key policy must exist and be visible to KMS."
    before = policy_of(kms, key_id)
    ghost = user_arn(uid("ghost"))
    assert_client_error(
        lambda: kms.put_key_policy(
            KeyId=key_id, PolicyName="default", Policy=_with(_stmt(Principal={"AWS": ghost}))
        ),
        "MalformedPolicyDocumentException",
    )
    assert policy_of(kms, key_id) == before


@pytest.mark.parametrize("kind", ["bad-json", "missing-effect", "unknown-condition-operator"])
def test_malformed_policy_refused_by_create_key(kms, kind):
    before = all_key_ids(kms)
    assert_client_error(lambda: kms.create_key(Policy=MALFORMED[kind]), "MalformedPolicyDocumentException")
    assert all_key_ids(kms) == before


def test_put_key_policy_lockout_check(server, kms, key_id):
    alice = create_user(server)
    before = policy_of(kms, key_id)
    # Only alice may do anything: root (the caller) would lose PutKeyPolicy.
    alice_only = key_policy(allow("kms:*", principal=alice.arn, sid="AliceAdmin"), root=False)
    e = assert_client_error(
        lambda: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=alice_only),
        "MalformedPolicyDocumentException",
    )
    assert e.response["Error"]["Message"]
    assert policy_of(kms, key_id) == before
    assert_client_error(
        lambda: kms.put_key_policy(
            KeyId=key_id, PolicyName="default", Policy=alice_only, BypassPolicyLockoutSafetyCheck=False
        ),
        "MalformedPolicyDocumentException",
    )
    assert policy_of(kms, key_id) == before

    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=alice_only, BypassPolicyLockoutSafetyCheck=True)
    # The account root is now locked out of this key: KMS gives the root
    # user no access that the key policy does not grant.
    assert_access_denied(lambda: kms.get_key_policy(KeyId=key_id, PolicyName="default"), principal_arn=None)
    assert_access_denied(lambda: kms.describe_key(KeyId=key_id))
    assert_access_denied(
        lambda: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=key_policy()),
    )

    # Alice, named in the policy, manages it. She may not hand it back in a
    # way that locks herself out (she has no identity policy)...
    ak = alice.kms()
    assert json.loads(ak.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == json.loads(alice_only)
    assert_client_error(
        lambda: ak.put_key_policy(KeyId=key_id, PolicyName="default", Policy=key_policy()),
        "MalformedPolicyDocumentException",
    )
    assert json.loads(ak.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == json.loads(alice_only)
    # ...but may restore root while keeping herself.
    restored = key_policy(allow("kms:*", principal=alice.arn, sid="AliceAdmin"))
    ak.put_key_policy(KeyId=key_id, PolicyName="default", Policy=restored)
    assert policy_of(kms, key_id) == json.loads(restored)
    kms.describe_key(KeyId=key_id)


def test_lockout_check_counts_explicit_deny(kms, key_id):
    before = policy_of(kms, key_id)
    p = key_policy(deny("kms:PutKeyPolicy", principal=ROOT_ARN, sid="NoMorePolicyChanges"))
    assert_client_error(
        lambda: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=p), "MalformedPolicyDocumentException"
    )
    assert policy_of(kms, key_id) == before
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=p, BypassPolicyLockoutSafetyCheck=True)
    assert policy_of(kms, key_id) == json.loads(p)
    assert_access_denied(
        lambda: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=key_policy()),
        principal_arn=ROOT_ARN,
        action="kms:PutKeyPolicy",
        because=r"explicit deny in a resource-based policy",
    )
    # Other operations are still allowed by the root statement.
    kms.encrypt(KeyId=key_id, Plaintext=b"x")


def test_create_key_lockout_check(server, kms):
    alice = create_user(server)
    alice_only = key_policy(allow("kms:*", principal=alice.arn, sid="AliceAdmin"), root=False)
    before = all_key_ids(kms)
    assert_client_error(lambda: kms.create_key(Policy=alice_only), "MalformedPolicyDocumentException")
    assert all_key_ids(kms) == before
    md = kms.create_key(Policy=alice_only, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
    assert_access_denied(lambda: kms.describe_key(KeyId=md["KeyId"]))
    ak = alice.kms()
    assert ak.describe_key(KeyId=md["KeyId"])["KeyMetadata"]["Arn"] == md["Arn"]
    ct = ak.encrypt(KeyId=md["KeyId"], Plaintext=b"alice only")["CiphertextBlob"]
    assert ak.decrypt(CiphertextBlob=ct)["Plaintext"] == b"alice only"
    assert_access_denied(lambda: kms.decrypt(CiphertextBlob=ct))


def test_policy_that_keeps_caller_via_root_statement_passes_check(kms, key_id):
    # Root (the caller) keeps kms:* through the root statement: no bypass needed.
    p = key_policy(deny("kms:Decrypt", principal=ROOT_ARN, sid="NoDecrypt"))
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=p)
    ct = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    assert_access_denied(
        lambda: kms.decrypt(CiphertextBlob=ct),
        principal_arn=ROOT_ARN,
        action="kms:Decrypt",
        because=r"explicit deny in a resource-based policy",
    )
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=key_policy())
    assert kms.decrypt(CiphertextBlob=ct)["Plaintext"] == b"x"


def test_get_key_policy_requires_permission(server, kms, key_id):
    from iam_support import doc

    bob = create_user(server, policy=doc(allow(["kms:DescribeKey", "kms:Encrypt"])))
    bob.kms().describe_key(KeyId=key_id)
    assert_access_denied(
        lambda: bob.kms().get_key_policy(KeyId=key_id, PolicyName="default"),
        principal_arn=bob.arn,
        action="kms:GetKeyPolicy",
    )
    assert_access_denied(
        lambda: bob.kms().put_key_policy(KeyId=key_id, PolicyName="default", Policy=key_policy()),
        principal_arn=bob.arn,
        action="kms:PutKeyPolicy",
    )
    assert_access_denied(lambda: bob.kms().list_key_policies(KeyId=key_id), action="kms:ListKeyPolicies")
