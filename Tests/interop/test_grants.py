"""Grants: CreateGrant / ListGrants / ListRetirableGrants / RetireGrant /
RevokeGrant, constraints, grant tokens, Name idempotency, pagination,
kms:GrantOperations, DryRun."""

import datetime
import re

import pytest

from conftest import ACCOUNT_ID, assert_client_error, paginate_by_marker
from iam_support import (
    ROOT_ARN,
    allow,
    assert_access_denied,
    assume,
    create_role,
    create_user,
    doc,
)

GRANT_ID_RE = re.compile(r"[0-9a-f]{64}")


def grant_ids(kms, key_id, **kw):
    return {g["GrantId"] for g in kms.list_grants(KeyId=key_id, **kw)["Grants"]}


def test_create_grant_and_list_shape(server, kms, key):
    alice = create_user(server)
    bob = create_user(server)
    r = kms.create_grant(
        KeyId=key["KeyId"],
        GranteePrincipal=alice.arn,
        RetiringPrincipal=bob.arn,
        Operations=["Encrypt", "Decrypt"],
        Name="shape-test",
    )
    assert r["GrantToken"]
    assert GRANT_ID_RE.fullmatch(r["GrantId"]), r["GrantId"]
    [g] = kms.list_grants(KeyId=key["KeyId"])["Grants"]
    assert g["GrantId"] == r["GrantId"]
    assert g["KeyId"] == key["Arn"]
    assert g["Name"] == "shape-test"
    assert g["GranteePrincipal"] == alice.arn
    assert g["RetiringPrincipal"] == bob.arn
    assert g["IssuingAccount"] == ROOT_ARN
    assert sorted(g["Operations"]) == ["Decrypt", "Encrypt"]
    assert isinstance(g["CreationDate"], datetime.datetime)
    assert "Constraints" not in g or not g["Constraints"]


def test_grantee_uses_grant_without_any_policy(server, kms, key):
    alice = create_user(server)  # no identity policy; key policy only names root
    ak = alice.kms()
    assert_access_denied(lambda: ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), principal_arn=alice.arn)
    kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt", "Decrypt"])
    ct = ak.encrypt(KeyId=key["KeyId"], Plaintext=b"granted")["CiphertextBlob"]
    assert ak.decrypt(CiphertextBlob=ct)["Plaintext"] == b"granted"
    # Only the granted operations.
    assert_access_denied(
        lambda: ak.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256"),
        principal_arn=alice.arn,
        action="kms:GenerateDataKey",
    )
    assert_access_denied(lambda: ak.describe_key(KeyId=key["KeyId"]), action="kms:DescribeKey")
    # Only on that key.
    other = kms.create_key()["KeyMetadata"]
    assert_access_denied(lambda: ak.encrypt(KeyId=other["KeyId"], Plaintext=b"x"), resource=other["Arn"])


def test_grant_token_works_at_once(server, kms, key):
    alice = create_user(server)
    tok = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["GenerateDataKey"])["GrantToken"]
    dk = alice.kms().generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", GrantTokens=[tok])
    assert len(dk["Plaintext"]) == 32


def test_invalid_grant_token(server, kms, key):
    alice = create_user(server, policy=doc(allow("kms:Encrypt")))
    assert_client_error(
        lambda: alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x", GrantTokens=["not-a-token"]),
        "InvalidGrantTokenException",
    )


def test_grant_to_a_role_covers_its_sessions(server, kms, key):
    alice = create_user(server)
    role = create_role(server, trusted=[alice.arn])
    kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=role["Arn"], Operations=["Encrypt"])
    s = assume(alice, role["Arn"])
    s.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    assert_access_denied(lambda: alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"))


@pytest.mark.parametrize(
    "constraint,allowed,refused",
    [
        (
            {"EncryptionContextEquals": {"app": "billing", "env": "prod"}},
            [{"app": "billing", "env": "prod"}],
            [{"app": "billing"}, {"app": "billing", "env": "prod", "x": "1"}, {}, {"app": "billing", "env": "dev"}],
        ),
        (
            {"EncryptionContextSubset": {"app": "billing"}},
            [{"app": "billing"}, {"app": "billing", "env": "prod"}],
            [{}, {"app": "other"}, {"env": "prod"}],
        ),
    ],
    ids=["Equals", "Subset"],
)
def test_grant_constraints(server, kms, key, constraint, allowed, refused):
    alice = create_user(server)
    kms.create_grant(
        KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt", "Decrypt"], Constraints=constraint
    )
    [g] = kms.list_grants(KeyId=key["KeyId"])["Grants"]
    assert g["Constraints"] == constraint
    ak = alice.kms()
    for ctx in allowed:
        ct = ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext=ctx)["CiphertextBlob"]
        assert ak.decrypt(CiphertextBlob=ct, EncryptionContext=ctx)["Plaintext"] == b"x"
    for ctx in refused:
        assert_access_denied(
            lambda: ak.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext=ctx),
            principal_arn=alice.arn,
            action="kms:Encrypt",
        )
        ct = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext=ctx)["CiphertextBlob"]
        assert_access_denied(lambda: ak.decrypt(CiphertextBlob=ct, EncryptionContext=ctx), action="kms:Decrypt")


def test_name_idempotency(server, kms, key):
    alice = create_user(server)
    kw = dict(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt"], Name="idem")
    a = kms.create_grant(**kw)
    b = kms.create_grant(**kw)
    assert a["GrantId"] == b["GrantId"]
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key["KeyId"])["Grants"]] == [a["GrantId"]]
    # The same name with different parameters is a different grant.
    c = kms.create_grant(**dict(kw, Operations=["Decrypt"]))
    assert c["GrantId"] != a["GrantId"]
    assert grant_ids(kms, key["KeyId"]) == {a["GrantId"], c["GrantId"]}
    # Without a name every call creates a grant.
    kw2 = dict(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt"])
    assert kms.create_grant(**kw2)["GrantId"] != kms.create_grant(**kw2)["GrantId"]


def test_create_grant_validation(server, kms, key):
    alice = create_user(server)
    assert_client_error(
        lambda: kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Fly"]),
        "ValidationException",
    )
    assert_client_error(
        lambda: kms.create_grant(KeyId=key["KeyId"], GranteePrincipal="not-an-arn", Operations=["Encrypt"]),
        "ValidationException",
        "InvalidArnException",
    )
    # CreateGrant on a key that does not exist.
    import uuid

    assert_client_error(
        lambda: kms.create_grant(KeyId=str(uuid.uuid4()), GranteePrincipal=alice.arn, Operations=["Encrypt"]),
        "NotFoundException",
    )
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_list_grants_filters_and_pagination(server, kms, key):
    alice = create_user(server)
    bob = create_user(server)
    ids_alice = {
        kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt"])["GrantId"]
        for _ in range(3)
    }
    id_bob = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=bob.arn, Operations=["Decrypt"])["GrantId"]
    all_ids = ids_alice | {id_bob}
    assert grant_ids(kms, key["KeyId"]) == all_ids
    assert grant_ids(kms, key["KeyId"], GranteePrincipal=alice.arn) == ids_alice
    assert grant_ids(kms, key["KeyId"], GranteePrincipal=bob.arn) == {id_bob}
    assert grant_ids(kms, key["KeyId"], GrantId=id_bob) == {id_bob}
    assert grant_ids(kms, key["Arn"]) == all_ids

    items, pages = paginate_by_marker(lambda **kw: kms.list_grants(KeyId=key["KeyId"], **kw), "Grants", limit=1)
    assert pages == 4
    assert [g["GrantId"] for g in items] and {g["GrantId"] for g in items} == all_ids
    assert len(items) == 4
    items, pages = paginate_by_marker(
        lambda **kw: kms.list_grants(KeyId=key["KeyId"], GranteePrincipal=alice.arn, **kw), "Grants", limit=2
    )
    assert pages == 2 and {g["GrantId"] for g in items} == ids_alice

    # Grants of another key are not listed.
    other = kms.create_key()["KeyMetadata"]
    assert kms.list_grants(KeyId=other["KeyId"])["Grants"] == []


def test_list_retirable_grants(server, kms, key):
    retirer = create_user(server)
    alice = create_user(server)
    k2 = kms.create_key()["KeyMetadata"]
    g1 = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, RetiringPrincipal=retirer.arn, Operations=["Encrypt"])
    g2 = kms.create_grant(KeyId=k2["KeyId"], GranteePrincipal=alice.arn, RetiringPrincipal=retirer.arn, Operations=["Decrypt"])
    kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Decrypt"])  # no retiring principal
    r = kms.list_retirable_grants(RetiringPrincipal=retirer.arn)
    got = {g["GrantId"]: g for g in r["Grants"]}
    assert set(got) == {g1["GrantId"], g2["GrantId"]}
    assert got[g1["GrantId"]]["KeyId"] == key["Arn"]
    assert got[g2["GrantId"]]["KeyId"] == k2["Arn"]
    assert not r["Truncated"]
    items, pages = paginate_by_marker(
        lambda **kw: kms.list_retirable_grants(RetiringPrincipal=retirer.arn, **kw), "Grants", limit=1
    )
    assert pages == 2 and {g["GrantId"] for g in items} == set(got)


def test_retire_by_retiring_principal_with_token(server, kms, key):
    retirer = create_user(server)
    alice = create_user(server)
    g = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, RetiringPrincipal=retirer.arn, Operations=["Encrypt"])
    alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    retirer.kms().retire_grant(GrantToken=g["GrantToken"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    assert_access_denied(lambda: alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"), principal_arn=alice.arn)
    # Retiring it again: the grant is gone (AWS: NotFoundException; the
    # retirer has no other right on the key, so AccessDenied is accepted too).
    assert_client_error(
        lambda: retirer.kms().retire_grant(KeyId=key["Arn"], GrantId=g["GrantId"]),
        "NotFoundException",
        "AccessDeniedException",
    )


def test_retire_by_key_and_grant_id(server, kms, key):
    retirer = create_user(server)
    alice = create_user(server)
    g = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, RetiringPrincipal=retirer.arn, Operations=["Encrypt"])
    retirer.kms().retire_grant(KeyId=key["Arn"], GrantId=g["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    assert_access_denied(lambda: alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"))


def test_retire_refused_for_others(server, kms, key):
    retirer = create_user(server)
    alice = create_user(server)
    mallory = create_user(server)
    g = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, RetiringPrincipal=retirer.arn, Operations=["Encrypt"])
    assert_access_denied(
        lambda: mallory.kms().retire_grant(KeyId=key["Arn"], GrantId=g["GrantId"]), principal_arn=mallory.arn
    )
    # The grantee cannot retire it either unless the grant includes RetireGrant.
    assert_access_denied(lambda: alice.kms().retire_grant(KeyId=key["Arn"], GrantId=g["GrantId"]))
    assert grant_ids(kms, key["KeyId"]) == {g["GrantId"]}
    alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x")

    g2 = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt", "RetireGrant"])
    alice.kms().retire_grant(KeyId=key["Arn"], GrantId=g2["GrantId"])
    assert grant_ids(kms, key["KeyId"]) == {g["GrantId"]}


def test_revoke_by_key_admin(server, kms, key):
    alice = create_user(server)
    admin = create_user(server, policy=doc(allow(["kms:RevokeGrant", "kms:ListGrants"], key["Arn"])))
    g = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt"])
    alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    # The grantee may not revoke; an unrelated user may not either.
    assert_access_denied(
        lambda: alice.kms().revoke_grant(KeyId=key["KeyId"], GrantId=g["GrantId"]),
        principal_arn=alice.arn,
        action="kms:RevokeGrant",
    )
    assert grant_ids(kms, key["KeyId"]) == {g["GrantId"]}
    admin.kms().revoke_grant(KeyId=key["KeyId"], GrantId=g["GrantId"])
    assert admin.kms().list_grants(KeyId=key["KeyId"])["Grants"] == []
    assert_access_denied(lambda: alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x"))
    assert_client_error(lambda: kms.revoke_grant(KeyId=key["KeyId"], GrantId=g["GrantId"]), "NotFoundException")
    # Revoking a grant of one key through another key fails.
    g2 = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt"])
    other = kms.create_key()["KeyMetadata"]
    assert_client_error(lambda: kms.revoke_grant(KeyId=other["KeyId"], GrantId=g2["GrantId"]), "NotFoundException")
    assert grant_ids(kms, key["KeyId"]) == {g2["GrantId"]}


def test_create_grant_requires_permission_and_grant_operations_condition(server, kms, key):
    alice = create_user(server)
    nobody = create_user(server)
    assert_access_denied(
        lambda: nobody.kms().create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt"]),
        principal_arn=nobody.arn,
        action="kms:CreateGrant",
        resource=key["Arn"],
    )
    limited = create_user(
        server,
        policy=doc(
            allow(
                "kms:CreateGrant",
                key["Arn"],
                condition={"ForAllValues:StringEquals": {"kms:GrantOperations": ["Encrypt", "Decrypt"]}},
            )
        ),
    )
    limited.kms().create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Decrypt"])
    assert_access_denied(
        lambda: limited.kms().create_grant(
            KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Decrypt", "CreateGrant"]
        ),
        principal_arn=limited.arn,
        action="kms:CreateGrant",
    )
    assert len(kms.list_grants(KeyId=key["KeyId"])["Grants"]) == 1


def test_dry_run_on_grant_operations(server, kms, key):
    alice = create_user(server)
    admin = create_user(server, policy=doc(allow(["kms:CreateGrant", "kms:RevokeGrant"])))
    nobody = create_user(server)
    assert_client_error(
        lambda: admin.kms().create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt"], DryRun=True),
        "DryRunOperationException",
    )
    assert_access_denied(
        lambda: nobody.kms().create_grant(
            KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt"], DryRun=True
        ),
        principal_arn=nobody.arn,
        action="kms:CreateGrant",
    )
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []

    g = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, RetiringPrincipal=alice.arn, Operations=["Encrypt"])
    assert_client_error(
        lambda: admin.kms().revoke_grant(KeyId=key["KeyId"], GrantId=g["GrantId"], DryRun=True),
        "DryRunOperationException",
    )
    assert_access_denied(lambda: nobody.kms().revoke_grant(KeyId=key["KeyId"], GrantId=g["GrantId"], DryRun=True))
    assert_client_error(
        lambda: alice.kms().retire_grant(GrantToken=g["GrantToken"], DryRun=True), "DryRunOperationException"
    )
    assert grant_ids(kms, key["KeyId"]) == {g["GrantId"]}
    alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"still granted")


def test_grant_issued_by_account_appears_in_issuing_account(server, kms, key):
    admin = create_user(server, policy=doc(allow(["kms:CreateGrant", "kms:ListGrants"])))
    alice = create_user(server)
    gid = admin.kms().create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn, Operations=["Encrypt"])["GrantId"]
    [g] = admin.kms().list_grants(KeyId=key["KeyId"], GrantId=gid)["Grants"]
    assert g["IssuingAccount"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    alice.kms().encrypt(KeyId=key["KeyId"], Plaintext=b"x")
