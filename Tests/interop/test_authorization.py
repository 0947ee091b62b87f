"""Authorization of KMS calls with AWS semantics: identity policies, key
policies, explicit deny, condition keys, policy variables, operations without
a key, DryRun, and assumed roles."""

import json
import uuid

import pytest

from conftest import ACCOUNT_ID, assert_client_error
from iam_support import (
    EXPLICIT_DENY_IDENTITY,
    EXPLICIT_DENY_RESOURCE,
    NO_IDENTITY_POLICY,
    NO_RESOURCE_POLICY,
    ROOT_ARN,
    all_key_ids,
    allow,
    assert_access_denied,
    assume,
    create_role,
    create_user,
    deny,
    doc,
    key_policy,
    root_iam,
    uid,
)


def new_key(kms, **kw):
    return kms.create_key(Description=f"authz {uuid.uuid4()}", **kw)["KeyMetadata"]


# ---------------------------------------------------------------------------
# Identity policies
# ---------------------------------------------------------------------------


def test_identity_policy_allows(server, kms, key):
    alice = create_user(server, policy=doc(allow(["kms:Encrypt", "kms:Decrypt"], key["Arn"])))
    ak = alice.kms()
    ct = ak.encrypt(KeyId=key["KeyId"], Plaintext=b"hello")["CiphertextBlob"]
    assert ak.decrypt(CiphertextBlob=ct)["Plaintext"] == b"hello"
    assert kms.decrypt(CiphertextBlob=ct)["Plaintext"] == b"hello"


def test_implicit_deny_message(server, kms, key):
    alice = create_user(server)
    e = assert_access_denied(
        lambda: alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"),
        principal_arn=alice.arn,
        action="kms:Encrypt",
        resource=key["Arn"],
        because=NO_IDENTITY_POLICY,
    )
    msg = e.response["Error"]["Message"]
    assert msg == (
        f"User: {alice.arn} is not authorized to perform: kms:Encrypt on resource: {key['Arn']} "
        f"because no identity-based policy allows the kms:Encrypt action"
    ), msg
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_identity_policy_resource_is_matched(server, kms):
    k1, k2 = new_key(kms), new_key(kms)
    alice = create_user(server, policy=doc(allow("kms:Encrypt", k1["Arn"])))
    alice.kms().encrypt(KeyId=k1["KeyId"], Plaintext=b"x")
    assert_access_denied(
        lambda: alice.kms().encrypt(KeyId=k2["KeyId"], Plaintext=b"x"),
        principal_arn=alice.arn,
        action="kms:Encrypt",
        resource=k2["Arn"],
        because=NO_IDENTITY_POLICY,
    )
    # Wildcards in Resource and Action.
    bob = create_user(
        server, policy=doc(allow("kms:Encr*", f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/*"))
    )
    bob.kms().encrypt(KeyId=k2["KeyId"], Plaintext=b"x")
    assert_access_denied(lambda: bob.kms().describe_key(KeyId=k2["KeyId"]), action="kms:DescribeKey")


def test_managed_policy_and_policy_changes_apply_at_once(server, kms, key):
    iam = root_iam(server)
    alice = create_user(server)
    ak = alice.kms()
    assert_access_denied(lambda: ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x"))
    parn = iam.create_policy(PolicyName=uid("enc"), PolicyDocument=doc(allow("kms:Encrypt")))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=alice.name, PolicyArn=parn)
    ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    iam.detach_user_policy(UserName=alice.name, PolicyArn=parn)
    assert_access_denied(lambda: ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), because=NO_IDENTITY_POLICY)
    iam.put_user_policy(UserName=alice.name, PolicyName="p", PolicyDocument=doc(allow("kms:Encrypt")))
    ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    iam.delete_user_policy(UserName=alice.name, PolicyName="p")
    assert_access_denied(lambda: ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x"))


def test_explicit_deny_in_identity_policy_beats_allow(server, kms, key):
    alice = create_user(server, policy=doc(allow("kms:*"), deny("kms:Decrypt")))
    ak = alice.kms()
    ct = ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert_access_denied(
        lambda: ak.decrypt(CiphertextBlob=ct),
        principal_arn=alice.arn,
        action="kms:Decrypt",
        resource=key["Arn"],
        because=EXPLICIT_DENY_IDENTITY,
    )
    # A deny in one attached policy beats an allow in another.
    iam = root_iam(server)
    bob = create_user(server, policy=doc(allow("kms:*")))
    parn = iam.create_policy(PolicyName=uid("deny"), PolicyDocument=doc(deny("kms:Encrypt", key["Arn"])))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=bob.name, PolicyArn=parn)
    assert_access_denied(lambda: bob.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"), because=EXPLICIT_DENY_IDENTITY)
    assert bob.kms().decrypt(CiphertextBlob=ct)["Plaintext"] == b"x"


def test_explicit_deny_in_key_policy_beats_identity_allow(server, kms):
    alice = create_user(server, policy=doc(allow("kms:*")))
    k = new_key(kms, Policy=key_policy(deny("kms:Encrypt", principal=alice.arn, sid="NoAlice")))
    assert_access_denied(
        lambda: alice.kms().encrypt(KeyId=k["KeyId"], Plaintext=b"x"),
        principal_arn=alice.arn,
        action="kms:Encrypt",
        resource=k["Arn"],
        because=EXPLICIT_DENY_RESOURCE,
    )
    alice.kms().describe_key(KeyId=k["KeyId"])
    kms.encrypt(KeyId=k["KeyId"], Plaintext=b"x")


def test_key_policy_naming_user_directly(server, kms):
    alice = create_user(server)  # no identity policy at all
    k = new_key(kms, Policy=key_policy(allow(["kms:Encrypt", "kms:Decrypt"], principal=alice.arn, sid="Alice")))
    ak = alice.kms()
    ct = ak.encrypt(KeyId=k["KeyId"], Plaintext=b"direct")["CiphertextBlob"]
    assert ak.decrypt(CiphertextBlob=ct)["Plaintext"] == b"direct"
    assert_access_denied(
        lambda: ak.generate_data_key(KeyId=k["KeyId"], KeySpec="AES_256"),
        principal_arn=alice.arn,
        action="kms:GenerateDataKey",
        resource=k["Arn"],
    )
    # Another user is not covered by it.
    bob = create_user(server)
    assert_access_denied(lambda: bob.kms().encrypt(KeyId=k["KeyId"], Plaintext=b"x"), principal_arn=bob.arn)


def test_key_policy_without_root_statement_ignores_identity_policies(server, kms):
    alice = create_user(server)
    bob = create_user(server, policy=doc(allow("kms:*")))
    p = key_policy(allow("kms:*", principal=alice.arn, sid="AliceOnly"), root=False)
    k = new_key(kms, Policy=p, BypassPolicyLockoutSafetyCheck=True)
    ct = alice.kms().encrypt(KeyId=k["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert_access_denied(
        lambda: bob.kms().encrypt(KeyId=k["KeyId"], Plaintext=b"x"),
        principal_arn=bob.arn,
        action="kms:Encrypt",
        resource=k["Arn"],
        because=NO_RESOURCE_POLICY,
    )
    assert_access_denied(lambda: bob.kms().decrypt(CiphertextBlob=ct), action="kms:Decrypt")
    # Not even the account root.
    assert_access_denied(lambda: kms.decrypt(CiphertextBlob=ct), principal_arn=ROOT_ARN, action="kms:Decrypt")


def test_root_statement_limited_to_some_actions(server, kms):
    # The account principal in the key policy delegates only the actions it lists.
    bob = create_user(server, policy=doc(allow("kms:*")))
    p = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Acct", "Effect": "Allow", "Principal": {"AWS": ROOT_ARN},
                 "Action": ["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey", "kms:Decrypt"], "Resource": "*"},
            ],
        }
    )
    k = new_key(kms, Policy=p)
    bob.kms().describe_key(KeyId=k["KeyId"])
    assert_access_denied(
        lambda: bob.kms().encrypt(KeyId=k["KeyId"], Plaintext=b"x"), action="kms:Encrypt", because=NO_RESOURCE_POLICY
    )


# ---------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------


def test_condition_on_encryption_context_value(server, key):
    alice = create_user(
        server,
        policy=doc(
            allow(
                ["kms:Encrypt", "kms:Decrypt"],
                condition={"StringEquals": {"kms:EncryptionContext:purpose": "backup"}},
            )
        ),
    )
    ak = alice.kms()
    ct = ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"purpose": "backup", "other": "1"})[
        "CiphertextBlob"
    ]
    ak.decrypt(CiphertextBlob=ct, EncryptionContext={"purpose": "backup", "other": "1"})
    # The key in kms:EncryptionContext:KEY is not case-sensitive (the AWS KMS
    # developer guide); require kms:EncryptionContextKeys for an exact key.
    ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"Purpose": "backup"})
    for ctx in ({"purpose": "restore"}, {}, {"purpose": "Backup"}):
        assert_access_denied(
            lambda: ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext=ctx),
            principal_arn=alice.arn,
            action="kms:Encrypt",
            resource=key["Arn"],
        )


def test_condition_for_all_values_on_encryption_context_keys(server, key):
    alice = create_user(
        server,
        policy=doc(
            allow(
                "kms:Encrypt",
                condition={"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["purpose", "app"]}},
            )
        ),
    )
    ak = alice.kms()
    ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"purpose": "a"})
    ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"purpose": "a", "app": "b"})
    # ForAllValues is true for an empty set of keys (documented IAM semantics).
    ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    assert_access_denied(
        lambda: ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"purpose": "a", "extra": "c"}),
        action="kms:Encrypt",
    )


def test_condition_for_any_value_requires_a_key(server, key):
    alice = create_user(
        server,
        policy=doc(allow("kms:Encrypt", condition={"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "tenant"}})),
    )
    ak = alice.kms()
    ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"tenant": "t1", "x": "y"})
    assert_access_denied(lambda: ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), action="kms:Encrypt")
    assert_access_denied(
        lambda: ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"x": "y"}), action="kms:Encrypt"
    )


def test_condition_on_encryption_algorithm(server, key):
    ok = create_user(
        server,
        policy=doc(allow("kms:Encrypt", condition={"StringEquals": {"kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}})),
    )
    ok.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="SYMMETRIC_DEFAULT")
    other = create_user(
        server,
        policy=doc(allow("kms:Encrypt", condition={"StringEquals": {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}})),
    )
    assert_access_denied(
        lambda: other.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="SYMMETRIC_DEFAULT"),
        principal_arn=other.arn,
        action="kms:Encrypt",
    )


def test_condition_on_key_spec_usage_and_caller_account(server, key):
    ok = create_user(
        server,
        policy=doc(
            allow(
                "kms:Encrypt",
                condition={
                    "StringEquals": {
                        "kms:KeySpec": "SYMMETRIC_DEFAULT",
                        "kms:KeyUsage": "ENCRYPT_DECRYPT",
                        "kms:CallerAccount": ACCOUNT_ID,
                    }
                },
            )
        ),
    )
    ok.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    for cond in (
        {"StringEquals": {"kms:KeySpec": "RSA_2048"}},
        {"StringEquals": {"kms:KeyUsage": "SIGN_VERIFY"}},
        {"StringEquals": {"kms:CallerAccount": "444455556666"}},
    ):
        no = create_user(server, policy=doc(allow("kms:Encrypt", condition=cond)))
        assert_access_denied(lambda: no.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"), action="kms:Encrypt")


def test_condition_on_principal_tag(server, key):
    iam = root_iam(server)
    policy = doc(allow("kms:Encrypt", condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}}))
    blue = create_user(server, policy=policy, tags={"team": "blue"})
    red = create_user(server, policy=policy, tags={"team": "red"})
    untagged = create_user(server, policy=policy)
    blue.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    for p in (red, untagged):
        assert_access_denied(lambda: p.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"), principal_arn=p.arn)
    # Retagging takes effect on the next request.
    iam.tag_user(UserName=red.name, Tags=[{"Key": "team", "Value": "blue"}])
    red.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x")


def test_policy_variable_username(server, key):
    policy = doc(
        allow(
            ["kms:Encrypt", "kms:Decrypt"],
            condition={"StringEquals": {"kms:EncryptionContext:owner": "${aws:username}"}},
        )
    )
    alice = create_user(server, policy=policy)
    bob = create_user(server, policy=policy)
    ct = alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"mine", EncryptionContext={"owner": alice.name})[
        "CiphertextBlob"
    ]
    assert alice.kms().decrypt(CiphertextBlob=ct, EncryptionContext={"owner": alice.name})["Plaintext"] == b"mine"
    assert_access_denied(
        lambda: bob.kms().decrypt(CiphertextBlob=ct, EncryptionContext={"owner": alice.name}),
        principal_arn=bob.arn,
        action="kms:Decrypt",
    )
    assert_access_denied(
        lambda: bob.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"owner": "${aws:username}"}),
        action="kms:Encrypt",
    )
    bob.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"owner": bob.name})


def test_condition_on_username_and_principal_arn(server, key):
    alice = create_user(server)
    bob = create_user(server)
    policy = doc(
        allow(
            "kms:Encrypt",
            condition={
                "StringEquals": {"aws:username": alice.name},
                "ArnEquals": {"aws:PrincipalArn": alice.arn},
            },
        )
    )
    iam = root_iam(server)
    for p in (alice, bob):
        iam.put_user_policy(UserName=p.name, PolicyName="p", PolicyDocument=policy)
    alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    assert_access_denied(lambda: bob.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"), principal_arn=bob.arn)


def test_condition_on_source_ip_and_secure_transport(server, key):
    local = create_user(
        server, policy=doc(allow("kms:Encrypt", condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}))
    )
    local.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    remote = create_user(
        server, policy=doc(allow("kms:Encrypt", condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    )
    assert_access_denied(lambda: remote.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"), action="kms:Encrypt")
    tls_only = create_user(
        server,
        policy=doc(allow("kms:Encrypt"), deny("kms:*", condition={"Bool": {"aws:SecureTransport": "false"}})),
    )
    assert_access_denied(
        lambda: tls_only.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"),
        action="kms:Encrypt",
        because=EXPLICIT_DENY_IDENTITY,
    )


def test_condition_on_request_alias(server, kms, key):
    alias = f"alias/authz-{uuid.uuid4().hex[:10]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    alice = create_user(
        server, policy=doc(allow("kms:Encrypt", condition={"StringEquals": {"kms:RequestAlias": alias}}))
    )
    alice.kms().encrypt(KeyId=alias, Plaintext=b"x")
    assert_access_denied(lambda: alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"), action="kms:Encrypt")
    assert_access_denied(lambda: alice.kms().encrypt(KeyId=key["Arn"], Plaintext=b"x"), action="kms:Encrypt")


def test_condition_on_resource_tag(server, kms):
    tagged = new_key(kms, Tags=[{"TagKey": "env", "TagValue": "dev"}])
    plain = new_key(kms)
    alice = create_user(
        server, policy=doc(allow("kms:Encrypt", condition={"StringEquals": {"aws:ResourceTag/env": "dev"}}))
    )
    alice.kms().encrypt(KeyId=tagged["KeyId"], Plaintext=b"x")
    assert_access_denied(
        lambda: alice.kms().encrypt(KeyId=plain["KeyId"], Plaintext=b"x"), action="kms:Encrypt", resource=plain["Arn"]
    )


def test_create_key_conditions_on_request_tags(server, kms):
    alice = create_user(
        server,
        policy=doc(
            allow(
                ["kms:CreateKey", "kms:TagResource"],
                condition={
                    "StringEquals": {"aws:RequestTag/team": "blue"},
                    "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]},
                },
            )
        ),
    )
    ak = alice.kms()
    before = all_key_ids(kms)
    md = ak.create_key(Tags=[{"TagKey": "team", "TagValue": "blue"}, {"TagKey": "env", "TagValue": "x"}])["KeyMetadata"]
    assert md["KeyId"] not in before
    for tags in (
        [{"TagKey": "team", "TagValue": "red"}],
        [],
        [{"TagKey": "team", "TagValue": "blue"}, {"TagKey": "cost", "TagValue": "1"}],
    ):
        assert_access_denied(lambda: ak.create_key(Tags=tags), principal_arn=alice.arn, action="kms:CreateKey")
    assert all_key_ids(kms) == before | {md["KeyId"]}


# ---------------------------------------------------------------------------
# Operations without a key
# ---------------------------------------------------------------------------


def test_keyless_operations_follow_identity_policies(server, kms):
    lister = create_user(server, policy=doc(allow(["kms:ListKeys", "kms:ListAliases"])))
    lk = lister.kms()
    lk.list_keys()
    lk.list_aliases()
    before = all_key_ids(kms)
    assert_access_denied(
        lambda: lk.create_key(), principal_arn=lister.arn, action="kms:CreateKey", because=NO_IDENTITY_POLICY
    )
    assert_access_denied(lambda: lk.generate_random(NumberOfBytes=8), action="kms:GenerateRandom")
    assert all_key_ids(kms) == before

    creator = create_user(server, policy=doc(allow(["kms:CreateKey", "kms:GenerateRandom"])))
    ck = creator.kms()
    md = ck.create_key()["KeyMetadata"]
    assert len(ck.generate_random(NumberOfBytes=8)["Plaintext"]) == 8
    assert_access_denied(lambda: ck.list_keys(), principal_arn=creator.arn, action="kms:ListKeys")
    # The new key got the default policy: the creator has no rights on it
    # beyond its identity policy.
    assert_access_denied(lambda: ck.encrypt(KeyId=md["KeyId"], Plaintext=b"x"), action="kms:Encrypt")
    assert json.loads(kms.get_key_policy(KeyId=md["KeyId"], PolicyName="default")["Policy"])["Statement"][0][
        "Principal"
    ] == {"AWS": ROOT_ARN}

    denier = create_user(server, policy=doc(allow("kms:*"), deny("kms:CreateKey")))
    assert_access_denied(lambda: denier.kms().create_key(), action="kms:CreateKey", because=EXPLICIT_DENY_IDENTITY)
    denier.kms().list_keys()


def test_root_is_the_account_root(server, kms, key):
    # Root needs no identity policy; the default key policy names it.
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    kms.list_keys()
    kms.generate_random(NumberOfBytes=4)


# ---------------------------------------------------------------------------
# DryRun
# ---------------------------------------------------------------------------


def test_dry_run_both_ways(server, kms, key):
    alice = create_user(server, policy=doc(allow(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncrypt*"])))
    bob = create_user(server, policy=doc(allow("kms:DescribeKey")))
    ct = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    calls = {
        "Encrypt": lambda c: c.encrypt(KeyId=key["KeyId"], Plaintext=b"x", DryRun=True),
        "Decrypt": lambda c: c.decrypt(CiphertextBlob=ct, DryRun=True),
        "GenerateDataKey": lambda c: c.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", DryRun=True),
        "ReEncrypt": lambda c: c.re_encrypt(CiphertextBlob=ct, DestinationKeyId=key["KeyId"], DryRun=True),
    }
    for name, call in calls.items():
        e = assert_client_error(lambda: call(alice.kms()), "DryRunOperationException")
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 412, name
        assert_access_denied(lambda: call(bob.kms()), principal_arn=bob.arn)


def test_dry_run_changes_nothing(server, kms, key):
    alice = create_user(server, policy=doc(allow(["kms:CreateGrant", "kms:ListGrants"])))
    assert_client_error(
        lambda: alice.kms().create_grant(
            KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt"], DryRun=True
        ),
        "DryRunOperationException",
    )
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


# ---------------------------------------------------------------------------
# Assumed roles
# ---------------------------------------------------------------------------


def test_assumed_role_permissions(server, kms, key):
    alice = create_user(server)  # alice herself may do nothing with KMS
    role = create_role(server, trusted=[alice.arn], policy=doc(allow("kms:Encrypt", key["Arn"])))
    s = assume(alice, role["Arn"], "work")
    sk = s.kms()
    ct = sk.encrypt(KeyId=key["KeyId"], Plaintext=b"as role")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=ct)["Plaintext"] == b"as role"
    assert_access_denied(
        lambda: sk.decrypt(CiphertextBlob=ct),
        principal_arn=f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role['RoleName']}/work",
        action="kms:Decrypt",
        resource=key["Arn"],
        because=NO_IDENTITY_POLICY,
    )
    assert_access_denied(lambda: alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"), principal_arn=alice.arn)


def test_key_policy_naming_a_role_covers_its_sessions(server, kms):
    alice = create_user(server)
    role = create_role(server, trusted=[alice.arn])
    k = new_key(kms, Policy=key_policy(allow(["kms:Encrypt", "kms:Decrypt"], principal=role["Arn"], sid="Role")))
    s = assume(alice, role["Arn"])
    ct = s.kms().encrypt(KeyId=k["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert s.kms().decrypt(CiphertextBlob=ct)["Plaintext"] == b"x"
    assert_access_denied(lambda: alice.kms().decrypt(CiphertextBlob=ct))


def test_assumed_role_managed_policy_and_explicit_deny(server, key):
    iam = root_iam(server)
    alice = create_user(server)
    role = create_role(server, trusted=[alice.arn], policy=doc(allow("kms:*")))
    parn = iam.create_policy(PolicyName=uid("rdeny"), PolicyDocument=doc(deny("kms:Encrypt")))["Policy"]["Arn"]
    s = assume(alice, role["Arn"])
    s.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    iam.attach_role_policy(RoleName=role["RoleName"], PolicyArn=parn)
    assert_access_denied(
        lambda: s.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"), principal_arn=s.arn, because=EXPLICIT_DENY_IDENTITY
    )
    s.kms().describe_key(KeyId=key["KeyId"])


@pytest.mark.parametrize("action", ["kms:DescribeKey", "kms:DisableKey", "kms:ScheduleKeyDeletion"])
def test_admin_operations_need_permission(server, kms, action):
    k = new_key(kms)
    bob = create_user(server, policy=doc(allow("kms:Encrypt")))
    call = {
        "kms:DescribeKey": lambda c: c.describe_key(KeyId=k["KeyId"]),
        "kms:DisableKey": lambda c: c.disable_key(KeyId=k["KeyId"]),
        "kms:ScheduleKeyDeletion": lambda c: c.schedule_key_deletion(KeyId=k["KeyId"], PendingWindowInDays=7),
    }[action]
    assert_access_denied(lambda: call(bob.kms()), principal_arn=bob.arn, action=action, resource=k["Arn"])
    assert kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
