"""STS on Trent's endpoint: GetCallerIdentity for every kind of principal,
AssumeRole decided by the trust policy and the caller's identity policies,
duration bounds, temporary-credential validation, and an AWS CLI profile
with role_arn + source_profile.

Expiry is tested in process, where the clock moves by hand
(RequestHandlerTests.sessionCredentialsExpire, IdentityServiceTests.sessionsExpire):
the shortest session is 900 s and SigV4 refuses request times a few minutes
off the server's clock, so a black-box test cannot present an expired token."""

import datetime
import json

import pytest

from conftest import ACCOUNT_ID, REGION, assert_client_error, aws, clean_env
from iam_support import (
    ROLE_ID_RE,
    ROOT_ARN,
    TEMP_ACCESS_KEY_RE,
    USER_ID_RE,
    allow,
    assert_access_denied,
    assume,
    assumed_role_arn,
    create_role,
    create_user,
    deny,
    doc,
    make_client,
    role_arn,
    root_iam,
    root_sts,
    uid,
)


def now():
    return datetime.datetime.now(datetime.timezone.utc)


# ---------------------------------------------------------------------------
# GetCallerIdentity
# ---------------------------------------------------------------------------


def test_get_caller_identity_root(server):
    me = root_sts(server).get_caller_identity()
    assert me["Account"] == ACCOUNT_ID
    assert me["Arn"] == ROOT_ARN
    assert me["UserId"] == ACCOUNT_ID


def test_get_caller_identity_user(server):
    # GetCallerIdentity needs no permission: a user with no policy may call it.
    p = create_user(server)
    me = p.sts().get_caller_identity()
    assert me["Account"] == ACCOUNT_ID
    assert me["Arn"] == p.arn
    assert USER_ID_RE.fullmatch(me["UserId"]), me["UserId"]
    assert me["UserId"] == root_iam(server).get_user(UserName=p.name)["User"]["UserId"]


def test_get_caller_identity_assumed_role(server):
    p = create_user(server)
    role = create_role(server, trusted=[p.arn])
    session = uid("sess")
    r = p.sts().assume_role(RoleArn=role["Arn"], RoleSessionName=session)
    creds = r["Credentials"]
    assert TEMP_ACCESS_KEY_RE.fullmatch(creds["AccessKeyId"]), creds["AccessKeyId"]
    assert creds["SecretAccessKey"] and creds["SessionToken"]
    assert creds["SecretAccessKey"] != creds["SessionToken"]
    # Default DurationSeconds is 3600.
    assert abs((creds["Expiration"] - now()).total_seconds() - 3600) < 120, creds["Expiration"]
    assert ROLE_ID_RE.fullmatch(role["RoleId"])
    assert r["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role['RoleId']}:{session}",
        "Arn": assumed_role_arn(role["RoleName"], session),
    }

    sts = make_client("sts", server.endpoint, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    me = sts.get_caller_identity()
    assert me == {
        "UserId": f"{role['RoleId']}:{session}",
        "Account": ACCOUNT_ID,
        "Arn": assumed_role_arn(role["RoleName"], session),
        "ResponseMetadata": me["ResponseMetadata"],
    }


def test_each_assume_role_gets_fresh_credentials(server):
    p = create_user(server)
    role = create_role(server, trusted=[p.arn])
    a = assume(p, role["Arn"], "same")
    b = assume(p, role["Arn"], "same")
    assert a.access_key_id != b.access_key_id
    assert a.session_token != b.session_token
    for s in (a, b):
        assert s.sts().get_caller_identity()["Arn"] == assumed_role_arn(role["RoleName"], "same")


# ---------------------------------------------------------------------------
# Who may assume a role
# ---------------------------------------------------------------------------


def test_trust_policy_naming_the_user_needs_no_identity_policy(server):
    alice = create_user(server)
    role = create_role(server, trusted=[alice.arn])
    s = assume(alice, role["Arn"])
    assert s.sts().get_caller_identity()["Arn"] == s.arn


def test_trust_policy_naming_someone_else_denies(server):
    alice = create_user(server)
    # Bob even has an identity policy allowing sts:AssumeRole: the role's
    # trust policy must still let him in.
    bob = create_user(server, policy=doc(allow("sts:AssumeRole")))
    role = create_role(server, trusted=[alice.arn])
    assert_access_denied(
        lambda: bob.sts().assume_role(RoleArn=role["Arn"], RoleSessionName="denied-session"),
        principal_arn=bob.arn,
        action="sts:AssumeRole",
        resource=role["Arn"],
        code="AccessDenied",
    )


def test_trust_policy_naming_the_account_delegates_to_identity_policies(server):
    role = create_role(server, trusted=[ROOT_ARN])
    without = create_user(server)
    assert_access_denied(
        lambda: without.sts().assume_role(RoleArn=role["Arn"], RoleSessionName="denied-session"),
        principal_arn=without.arn,
        action="sts:AssumeRole",
        resource=role["Arn"],
        code="AccessDenied",
    )
    with_policy = create_user(server, policy=doc(allow("sts:AssumeRole", role["Arn"])))
    s = assume(with_policy, role["Arn"], "ok")
    assert s.arn == assumed_role_arn(role["RoleName"], "ok")
    # An identity policy for a different role does not help.
    other = create_user(server, policy=doc(allow("sts:AssumeRole", role_arn(uid("elsewhere")))))
    assert_client_error(
        lambda: other.sts().assume_role(RoleArn=role["Arn"], RoleSessionName="denied-session"), "AccessDenied"
    )


def test_explicit_deny_in_caller_policy_beats_trust_policy(server):
    alice = create_user(server, policy=doc(deny("sts:AssumeRole")))
    role = create_role(server, trusted=[alice.arn])
    assert_access_denied(
        lambda: alice.sts().assume_role(RoleArn=role["Arn"], RoleSessionName="denied-session"),
        principal_arn=alice.arn,
        action="sts:AssumeRole",
        resource=role["Arn"],
        code="AccessDenied",
    )


def test_trust_policy_change_takes_effect(server):
    alice = create_user(server)
    bob = create_user(server)
    role = create_role(server, trusted=[alice.arn])
    assume(alice, role["Arn"])
    # (UpdateAssumeRolePolicy is not part of the feature: delete and recreate.)
    iam = root_iam(server)
    iam.delete_role(RoleName=role["RoleName"])
    assert_client_error(
        lambda: alice.sts().assume_role(RoleArn=role["Arn"], RoleSessionName="denied-session"), "AccessDenied"
    )
    create_role(server, role["RoleName"], trusted=[bob.arn])
    assert_client_error(
        lambda: alice.sts().assume_role(RoleArn=role["Arn"], RoleSessionName="denied-session"), "AccessDenied"
    )
    assume(bob, role["Arn"])


def test_assume_unknown_role_is_access_denied(server):
    alice = create_user(server, policy=doc(allow("sts:AssumeRole")))
    arn = role_arn(uid("nosuchrole"))
    # AWS does not reveal whether the role exists.
    assert_access_denied(
        lambda: alice.sts().assume_role(RoleArn=arn, RoleSessionName="denied-session"),
        principal_arn=alice.arn,
        action="sts:AssumeRole",
        resource=arn,
        code="AccessDenied",
    )


def test_assumed_role_session_cannot_use_other_roles_without_trust(server):
    alice = create_user(server)
    r1 = create_role(server, trusted=[alice.arn])
    r2 = create_role(server, trusted=[alice.arn])
    s1 = assume(alice, r1["Arn"])
    assert_client_error(
        lambda: s1.sts().assume_role(RoleArn=r2["Arn"], RoleSessionName="chain"), "AccessDenied"
    )


def test_role_chaining_when_trusted(server):
    alice = create_user(server)
    r1 = create_role(server, trusted=[alice.arn])
    r2 = create_role(server, trusted=[r1["Arn"]])
    s1 = assume(alice, r1["Arn"])
    s2 = assume(s1, r2["Arn"], "chained")
    assert s2.sts().get_caller_identity()["Arn"] == assumed_role_arn(r2["RoleName"], "chained")


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("duration", [0, 899, 43201])
def test_duration_out_of_bounds_is_validation_error(server, duration):
    alice = create_user(server)
    role = create_role(server, trusted=[alice.arn], MaxSessionDuration=43200)
    assert_client_error(
        lambda: alice.sts().assume_role(RoleArn=role["Arn"], RoleSessionName="denied-session", DurationSeconds=duration),
        "ValidationError",
    )


@pytest.mark.parametrize("duration", [900, 3600, 43200])
def test_duration_in_bounds(server, duration):
    alice = create_user(server)
    role = create_role(server, trusted=[alice.arn], MaxSessionDuration=43200)
    s = assume(alice, role["Arn"], DurationSeconds=duration)
    exp = s.extra["response"]["Credentials"]["Expiration"]
    assert abs((exp - now()).total_seconds() - duration) < 120, exp
    assert s.sts().get_caller_identity()["Arn"] == s.arn


@pytest.mark.parametrize("session", ["a", "has space", "x" * 65, "bad/slash"])
def test_invalid_role_session_name_is_validation_error(server, session):
    alice = create_user(server)
    role = create_role(server, trusted=[alice.arn])
    assert_client_error(
        lambda: alice.sts().assume_role(RoleArn=role["Arn"], RoleSessionName=session), "ValidationError"
    )


# ---------------------------------------------------------------------------
# Temporary credentials that must not work
# ---------------------------------------------------------------------------


def _session(server):
    alice = create_user(server, policy=doc(allow("kms:*")))
    role = create_role(server, trusted=[alice.arn], policy=doc(allow("kms:*")))
    return assume(alice, role["Arn"])


def test_session_credentials_work_for_kms(server):
    s = _session(server)
    s.kms().list_keys()


def _tamper(token: str) -> str:
    i = len(token) // 2
    c = token[i]
    return token[:i] + ("A" if c != "A" else "B") + token[i + 1 :]


def test_tampered_session_token_is_rejected(server):
    s = _session(server)
    bad = _tamper(s.session_token)
    kms = make_client("kms", server.endpoint, s.access_key_id, s.secret, bad)
    assert_client_error(lambda: kms.list_keys(), "UnrecognizedClientException")
    sts = make_client("sts", server.endpoint, s.access_key_id, s.secret, bad)
    assert_client_error(lambda: sts.get_caller_identity(), "InvalidClientTokenId")
    # Truncated and appended-to tokens too.
    for t in (s.session_token[:-8], s.session_token + "AAAA", "garbage"):
        c = make_client("kms", server.endpoint, s.access_key_id, s.secret, t)
        assert_client_error(lambda: c.list_keys(), "UnrecognizedClientException")
    # The genuine token still works.
    s.kms().list_keys()


def test_temporary_key_without_its_session_token_is_rejected(server):
    s = _session(server)
    kms = make_client("kms", server.endpoint, s.access_key_id, s.secret)
    assert_client_error(lambda: kms.list_keys(), "UnrecognizedClientException")


def test_session_token_of_another_session_is_rejected(server):
    a = _session(server)
    b = _session(server)
    # B's key and secret (so the signature itself is good) with A's token.
    kms = make_client("kms", server.endpoint, b.access_key_id, b.secret, a.session_token)
    # AWS answers "The security token included in the request is invalid";
    # an implementation may also notice the signature mismatch first.
    assert_client_error(lambda: kms.list_keys(), "UnrecognizedClientException", "InvalidSignatureException")
    # A's key and token signed with B's secret.
    kms = make_client("kms", server.endpoint, a.access_key_id, b.secret, a.session_token)
    assert_client_error(lambda: kms.list_keys(), "InvalidSignatureException", "UnrecognizedClientException")


def test_session_token_on_a_long_term_key_is_rejected(server):
    s = _session(server)
    alice = create_user(server, policy=doc(allow("kms:*")))
    kms = make_client("kms", server.endpoint, alice.access_key_id, alice.secret, s.session_token)
    assert_client_error(lambda: kms.list_keys(), "UnrecognizedClientException", "InvalidSignatureException")


def test_session_permissions_follow_the_role_policy(server):
    s = _session(server)
    s.kms().list_keys()
    iam = root_iam(server)
    name = s.arn.split("/")[1]
    iam.delete_role_policy(RoleName=name, PolicyName="inline")
    # The role's permissions are evaluated at request time.
    assert_access_denied(lambda: s.kms().list_keys(), principal_arn=s.arn, action="kms:ListKeys")


# ---------------------------------------------------------------------------
# AWS CLI profile with role_arn + source_profile
# ---------------------------------------------------------------------------


def test_cli_role_profile(server, tmp_path):
    alice = create_user(server)
    role = create_role(server, trusted=[alice.arn], policy=doc(allow(["kms:Encrypt", "kms:CreateKey", "kms:DescribeKey"])))
    key = make_client("kms", server.endpoint).create_key()["KeyMetadata"]
    cfg = tmp_path / "config"
    creds = tmp_path / "credentials"
    cfg.write_text(
        "[profile base]\n"
        f"region = {REGION}\n"
        "\n"
        "[profile deploy]\n"
        f"role_arn = {role['Arn']}\n"
        "source_profile = base\n"
        "role_session_name = cli-session\n"
        f"region = {REGION}\n"
    )
    creds.write_text(
        "[base]\n"
        f"aws_access_key_id = {alice.access_key_id}\n"
        f"aws_secret_access_key = {alice.secret}\n"
    )
    env = clean_env(
        {
            "AWS_CONFIG_FILE": str(cfg),
            "AWS_SHARED_CREDENTIALS_FILE": str(creds),
            "AWS_ENDPOINT_URL": server.endpoint,
            "AWS_PAGER": "",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_EC2_METADATA_DISABLED": "true",
            **({"AWS_CA_BUNDLE": server.verify} if server.verify else {}),
        }
    )
    me = json.loads(aws(env, "sts", "get-caller-identity", "--profile", "deploy", "--output", "json").stdout)
    assert me["Arn"] == assumed_role_arn(role["RoleName"], "cli-session")
    assert me["Account"] == ACCOUNT_ID
    assert me["UserId"] == f"{role['RoleId']}:cli-session"

    base = json.loads(aws(env, "sts", "get-caller-identity", "--profile", "base", "--output", "json").stdout)
    assert base["Arn"] == alice.arn

    pt = tmp_path / "pt.bin"
    pt.write_bytes(b"through the role")
    enc = json.loads(
        aws(
            env, "kms", "encrypt", "--profile", "deploy", "--key-id", key["KeyId"],
            "--plaintext", f"fileb://{pt}", "--output", "json",
        ).stdout
    )
    assert enc["KeyId"] == key["Arn"]
    import base64

    ct = base64.b64decode(enc["CiphertextBlob"])
    assert make_client("kms", server.endpoint).decrypt(CiphertextBlob=ct)["Plaintext"] == b"through the role"
    # The role may not decrypt; the base user may not even encrypt.
    ct_file = tmp_path / "ct.bin"
    ct_file.write_bytes(ct)
    denied = aws(env, "kms", "decrypt", "--profile", "deploy", "--ciphertext-blob", f"fileb://{ct_file}", check=False)
    assert denied.returncode != 0 and b"AccessDeniedException" in denied.stderr, denied.stderr
    denied = aws(
        env, "kms", "encrypt", "--profile", "base", "--key-id", key["KeyId"], "--plaintext", f"fileb://{pt}",
        check=False,
    )
    assert denied.returncode != 0 and b"AccessDeniedException" in denied.stderr, denied.stderr

    # Per-service endpoint settings work the same way.
    env2 = dict(env)
    del env2["AWS_ENDPOINT_URL"]
    env2["AWS_ENDPOINT_URL_STS"] = server.endpoint
    env2["AWS_ENDPOINT_URL_KMS"] = server.endpoint
    aws(env2, "kms", "describe-key", "--profile", "deploy", "--key-id", key["KeyId"])
