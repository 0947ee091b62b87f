"""Identities: generated root credentials, `trent user` / `trent access-key`
admin subcommands, and secret storage."""

import configparser
import re
import stat
import time
import uuid

from botocore.exceptions import ClientError

from conftest import assert_client_error, make_kms_client


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_generated_root_credentials_file(new_server):
    srv = new_server(root_creds=False, account_id=None, region="eu-west-1")
    cred_path = srv.data_dir / "credentials"
    assert cred_path.is_file(), f"{cred_path} not created; files: {list(srv.data_dir.iterdir())}"
    assert mode(cred_path) == 0o600, oct(mode(cred_path))

    cp = configparser.ConfigParser()
    cp.read_string(cred_path.read_text())
    assert cp.has_section("default"), cred_path.read_text()
    ak = cp["default"]["aws_access_key_id"].strip()
    sk = cp["default"]["aws_secret_access_key"].strip()
    assert ak and sk and ak != sk
    assert len(sk) >= 20

    kms = make_kms_client(srv.endpoint, ak, sk, "eu-west-1")
    md = kms.create_key(Description="generated creds")["KeyMetadata"]
    # Random 12-digit account id, region from --region.
    m = re.fullmatch(r"arn:aws:kms:eu-west-1:(\d{12}):key/" + re.escape(md["KeyId"]), md["Arn"])
    assert m, md["Arn"]
    assert md["AWSAccountId"] == m.group(1)
    ct = kms.encrypt(KeyId=md["Arn"], Plaintext=b"hi")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=ct)["Plaintext"] == b"hi"

    # Signing for the wrong region is rejected by this eu-west-1 server.
    wrong = make_kms_client(srv.endpoint, ak, sk, "us-east-1")
    assert_client_error(lambda: wrong.list_keys(), "InvalidSignatureException")

    # Other data-dir files from the contract.
    root_key = srv.data_dir / "root.key"
    assert root_key.is_file()
    assert mode(root_key) == 0o600, oct(mode(root_key))
    raw = root_key.read_bytes()
    # 32-byte root key, stored raw or as base64 text.
    if len(raw) != 32:
        import base64

        assert len(base64.b64decode(raw.strip(), validate=True)) == 32, raw
    db = srv.data_dir / "trent.sqlite"
    assert db.is_file()
    header = db.read_bytes()[:100]
    assert header.startswith(b"SQLite format 3\x00")
    assert header[18] == 2 and header[19] == 2, "trent.sqlite is not in WAL mode"
    # The generated secret must not be stored in plaintext in the database.
    assert sk.encode() not in srv.db_bytes()

    # Credentials are stable across restarts (file not regenerated).
    before = cred_path.read_text()
    srv.restart()
    assert cred_path.read_text() == before
    kms2 = make_kms_client(srv.endpoint, ak, sk, "eu-west-1")
    assert kms2.describe_key(KeyId=md["KeyId"])["KeyMetadata"]["Arn"] == md["Arn"]


def test_env_root_credentials_do_not_create_credentials_file(server, kms):
    kms.list_keys()
    assert not (server.data_dir / "credentials").exists()


def test_user_create_and_use(server, kms):
    name = f"alice-{uuid.uuid4().hex[:8]}"
    out = server.admin_json("user", "create", name)
    assert out["UserName"] == name
    ak, sk = out["AccessKeyId"], out["SecretAccessKey"]
    assert ak and sk and ak != sk

    alice = make_kms_client(server.endpoint, ak, sk)
    # A new user may do nothing until a policy allows it.
    assert_client_error(lambda: alice.create_key(), "AccessDeniedException")
    server.allow_all_kms(name)
    md = alice.create_key(Description="alice's key")["KeyMetadata"]
    ct = alice.encrypt(KeyId=md["KeyId"], Plaintext=b"from alice")["CiphertextBlob"]
    # Same account, default key policies, identity policy allowing kms:*: root can use alice's key and vice versa.
    assert kms.decrypt(CiphertextBlob=ct)["Plaintext"] == b"from alice"
    root_key = kms.create_key()["KeyMetadata"]["KeyId"]
    ct2 = kms.encrypt(KeyId=root_key, Plaintext=b"from root")["CiphertextBlob"]
    assert alice.decrypt(CiphertextBlob=ct2)["Plaintext"] == b"from root"
    alias = f"alias/alice-{uuid.uuid4().hex[:8]}"
    alice.create_alias(AliasName=alias, TargetKeyId=md["KeyId"])
    alice.generate_data_key(KeyId=alias, KeySpec="AES_256")
    alice.generate_random(NumberOfBytes=8)
    alice.disable_key(KeyId=md["KeyId"])
    alice.enable_key(KeyId=md["KeyId"])

    # Wrong secret for a real user's key -> InvalidSignature
    bad = make_kms_client(server.endpoint, ak, sk[:-1] + ("A" if sk[-1] != "A" else "B"))
    assert_client_error(lambda: bad.list_keys(), "InvalidSignatureException")


def test_user_list(server):
    name = f"bob-{uuid.uuid4().hex[:8]}"
    created = server.admin_json("user", "create", name)
    out = server.admin_json("user", "list")
    users = {u["UserName"]: u for u in out["Users"]}
    assert name in users
    assert users[name].get("CreatedAt")
    raw = server.admin("user", "list").stdout
    assert created["SecretAccessKey"] not in raw


def test_access_key_create_and_list(server):
    name = f"carol-{uuid.uuid4().hex[:8]}"
    first = server.admin_json("user", "create", name)
    second = server.admin_json("access-key", "create", "--user", name)
    assert second["UserName"] == name
    assert second["AccessKeyId"] != first["AccessKeyId"]
    assert second["SecretAccessKey"] != first["SecretAccessKey"]

    # Both keys work immediately against the running server.
    server.allow_all_kms(name)
    for creds in (first, second):
        c = make_kms_client(server.endpoint, creds["AccessKeyId"], creds["SecretAccessKey"])
        assert len(c.generate_random(NumberOfBytes=4)["Plaintext"]) == 4

    # Keys are not interchangeable.
    mixed = make_kms_client(server.endpoint, first["AccessKeyId"], second["SecretAccessKey"])
    assert_client_error(lambda: mixed.list_keys(), "InvalidSignatureException")

    listed = server.admin("access-key", "list", "--user", name).stdout
    out = __import__("json").loads(listed)
    ids = {k["AccessKeyId"] for k in out["AccessKeys"]}
    assert {first["AccessKeyId"], second["AccessKeyId"]} <= ids
    assert all(k.get("CreatedAt") for k in out["AccessKeys"])
    for creds in (first, second):
        assert creds["SecretAccessKey"] not in listed
    assert "SecretAccessKey" not in listed


def test_access_key_for_unknown_user_fails(server):
    cp = server.admin("access-key", "create", "--user", f"nobody-{uuid.uuid4().hex}", check=False)
    assert cp.returncode != 0, cp.stdout


def test_secrets_not_in_database(server, kms):
    users = [server.admin_json("user", "create", f"dave-{uuid.uuid4().hex[:8]}") for _ in range(2)]
    extra = server.admin_json("access-key", "create", "--user", users[0]["UserName"])
    for user in users:
        server.allow_all_kms(user["UserName"])
    # Use them so any lazily written state is flushed.
    for creds in users + [extra]:
        make_kms_client(server.endpoint, creds["AccessKeyId"], creds["SecretAccessKey"]).list_keys()
    blob = server.db_bytes()
    assert blob, "no trent.sqlite in data dir"
    from conftest import ROOT_SECRET_ACCESS_KEY

    for secret in [c["SecretAccessKey"] for c in users + [extra]] + [ROOT_SECRET_ACCESS_KEY]:
        assert secret.encode() not in blob, "secret access key stored in plaintext in trent.sqlite(-wal)"
        assert secret.encode("utf-16-le") not in blob


def test_unknown_access_key_via_boto3(server):
    c = make_kms_client(server.endpoint, "AKIA" + uuid.uuid4().hex[:16].upper(), "x" * 40)
    assert_client_error(lambda: c.list_keys(), "UnrecognizedClientException")


def test_duplicate_user_create_fails(server):
    name = f"erin-{uuid.uuid4().hex[:8]}"
    server.admin_json("user", "create", name)
    cp = server.admin("user", "create", name, check=False)
    assert cp.returncode != 0, cp.stdout
    users = [u["UserName"] for u in server.admin_json("user", "list")["Users"]]
    assert users.count(name) == 1


def test_revoked_access_key_stops_working(new_server):
    srv = new_server(extra_args=("--credential-cache-seconds", "1"))
    out = srv.admin_json("user", "create", "revoked")
    spare = srv.admin_json("access-key", "create", "--user", "revoked")
    srv.allow_all_kms("revoked")
    bob = make_kms_client(srv.endpoint, out["AccessKeyId"], out["SecretAccessKey"])
    bob.list_keys()

    deleted = srv.admin_json("access-key", "delete", "--user", "revoked", out["AccessKeyId"])
    assert deleted == {"DeletedAccessKeyId": out["AccessKeyId"]}
    listed = srv.admin_json("access-key", "list", "--user", "revoked")["AccessKeys"]
    assert [k["AccessKeyId"] for k in listed] == [spare["AccessKeyId"]]

    deadline = time.monotonic() + 10
    while True:
        try:
            bob.list_keys()
        except ClientError as e:
            assert e.response["Error"]["Code"] == "UnrecognizedClientException"
            break
        assert time.monotonic() < deadline, "revoked key still accepted after its cache lifetime"
        time.sleep(0.2)
    # The user's other key is unaffected.
    make_kms_client(srv.endpoint, spare["AccessKeyId"], spare["SecretAccessKey"]).list_keys()


def test_deleting_an_unknown_access_key_fails(server):
    cp = server.admin("access-key", "delete", "--user", "root", "TRNTNOSUCHKEY0000000", check=False)
    assert cp.returncode != 0
