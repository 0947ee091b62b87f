"""CloudHSM-style custom key stores over PKCS#11, with SoftHSMv2 as the HSM:
`trent hsm register`, then the AWS CLI and boto3 unchanged (Create, Describe,
Update, Connect, Disconnect and DeleteCustomKeyStore; keys of origin
AWS_CLOUDHSM whose AES-GCM runs in the token). `pkcs11-tool` (OpenSC) reads
the token independently: the key is there, sensitive and never extractable."""

from __future__ import annotations

import base64
import json
import re
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from conftest import TrentServer, assert_client_error, aws, aws_json, clean_env

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
SO_PIN = "12345678"
PIN = "crypto-user-pin"


class SoftHSM:
    """A SoftHSMv2 token directory of its own, with tokens made by softhsm2-util."""

    def __init__(self, directory: Path) -> None:
        if not Path(SOFTHSM_MODULE).exists() or shutil.which("softhsm2-util") is None:
            pytest.fail(f"SoftHSMv2 ({SOFTHSM_MODULE}, softhsm2-util) is missing: apt-get install softhsm2", pytrace=False)
        tokens = directory / "tokens"
        tokens.mkdir(parents=True)
        self.conf = directory / "softhsm2.conf"
        self.conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
        self.env = {"SOFTHSM2_CONF": str(self.conf)}

    def init_token(self, label: str, pin: str = PIN) -> None:
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", pin],
            env=clean_env(self.env), check=True, capture_output=True,
        )

    def pkcs11_tool(self, label: str, *args: str, pin: str = PIN) -> str:
        if shutil.which("pkcs11-tool") is None:
            pytest.fail("pkcs11-tool is missing: apt-get install opensc", pytrace=False)
        cp = subprocess.run(
            ["pkcs11-tool", "--module", SOFTHSM_MODULE, "--token-label", label, "--login", "--pin", pin, *args],
            env=clean_env(self.env), capture_output=True, text=True, timeout=60,
        )
        assert cp.returncode == 0, cp.stderr
        return cp.stdout


@pytest.fixture(scope="module")
def hsm(tmp_path_factory) -> SoftHSM:
    softhsm = SoftHSM(tmp_path_factory.mktemp("softhsm"))
    # One token per test that makes a store on it: a token holds the keys of one store at most.
    for label in ("cli", "boto", "spare", "wrong-pin"):
        softhsm.init_token(label)
    return softhsm


@pytest.fixture(scope="module")
def hsm_server(hsm, tmp_path_factory):
    srv = TrentServer(tmp_path_factory.mktemp("trent-cks") / "data", extra_env=hsm.env)
    srv.start()
    yield srv
    srv.stop()


def register(server: TrentServer, label: str, tmp_path: Path) -> dict:
    anchor = tmp_path / f"{uuid.uuid4().hex}.pem"
    cluster = server.admin_json("hsm", "register", "--module", SOFTHSM_MODULE, "--token-label", label, "--trust-anchor-out", str(anchor))
    assert re.fullmatch(r"cluster-[2-7a-z]{11}", cluster["ClusterId"]), cluster
    assert anchor.read_text() == cluster["TrustAnchorCertificate"]
    cluster["anchor_path"] = anchor
    return cluster


def cli_env(server: TrentServer, tmp_path: Path) -> dict[str, str]:
    """The AWS CLI's environment for a server of a test's own."""
    # Without cli_follow_urlparam the AWS CLI fetches any parameter that starts with http:// (a proxy endpoint) and passes on what it got.
    (tmp_path / "aws-config").write_text("[default]\ncli_follow_urlparam = false\n")
    ak, sk = server.credentials()
    return clean_env({
        "AWS_ENDPOINT_URL_KMS": server.endpoint, "AWS_ACCESS_KEY_ID": ak, "AWS_SECRET_ACCESS_KEY": sk,
        "AWS_DEFAULT_REGION": server.region, "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-config"), "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1",
        "AWS_EC2_METADATA_DISABLED": "true", **({"AWS_CA_BUNDLE": server.verify} if server.verify else {}),
    })


def describe(kms, store_id: str) -> dict:
    return kms.describe_custom_key_stores(CustomKeyStoreId=store_id)["CustomKeyStores"][0]


def stored_material(server: TrentServer, key_id: str) -> list[bytes]:
    db = sqlite3.connect(f"file:{server.data_dir / 'trent.sqlite'}?mode=ro", uri=True)
    try:
        return [row[0] for row in db.execute("SELECT wrapped_material FROM key_versions WHERE key_id = ?", (key_id,))]
    finally:
        db.close()


def test_custom_key_store_through_the_aws_cli(hsm, hsm_server, tmp_path):
    cluster = register(hsm_server, "cli", tmp_path)
    listed = hsm_server.admin_json("hsm", "list")["Clusters"]
    assert cluster["ClusterId"] in [c["ClusterId"] for c in listed]
    env = cli_env(hsm_server, tmp_path)
    name = f"cks-{uuid.uuid4().hex[:8]}"
    store_id = aws_json(
        env, "kms", "create-custom-key-store", "--custom-key-store-name", name, "--custom-key-store-type", "AWS_CLOUDHSM",
        "--cloud-hsm-cluster-id", cluster["ClusterId"], "--trust-anchor-certificate", f"file://{cluster['anchor_path']}",
        "--key-store-password", PIN,
    )["CustomKeyStoreId"]
    assert re.fullmatch(r"cks-[0-9a-f]{17}", store_id)
    entry = aws_json(env, "kms", "describe-custom-key-stores", "--custom-key-store-id", store_id)["CustomKeyStores"][0]
    assert entry["ConnectionState"] == "DISCONNECTED" and entry["CloudHsmClusterId"] == cluster["ClusterId"]
    assert entry["CustomKeyStoreName"] == name and entry["CustomKeyStoreType"] == "AWS_CLOUDHSM"
    assert entry["TrustAnchorCertificate"] == cluster["TrustAnchorCertificate"]

    aws(env, "kms", "connect-custom-key-store", "--custom-key-store-id", store_id)
    entry = aws_json(env, "kms", "describe-custom-key-stores", "--custom-key-store-name", name)["CustomKeyStores"][0]
    assert entry["ConnectionState"] == "CONNECTED", entry

    metadata = aws_json(env, "kms", "create-key", "--origin", "AWS_CLOUDHSM", "--custom-key-store-id", store_id)["KeyMetadata"]
    key_id = metadata["KeyId"]
    assert metadata["Origin"] == "AWS_CLOUDHSM" and metadata["CustomKeyStoreId"] == store_id
    assert metadata["CloudHsmClusterId"] == cluster["ClusterId"] and metadata["KeyState"] == "Enabled"

    plaintext = tmp_path / "plaintext"
    plaintext.write_bytes(b"held in the HSM " * 4)
    blob = base64.b64decode(aws_json(
        env, "kms", "encrypt", "--key-id", key_id, "--plaintext", f"fileb://{plaintext}", "--encryption-context", "purpose=test",
    )["CiphertextBlob"])
    (tmp_path / "blob").write_bytes(blob)
    decrypted = aws_json(env, "kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'blob'}", "--encryption-context", "purpose=test")
    assert base64.b64decode(decrypted["Plaintext"]) == plaintext.read_bytes() and decrypted["KeyId"] == metadata["Arn"]

    # pkcs11-tool, which no one here wrote, finds the key in the token: AES-256, sensitive, never extractable.
    listing = hsm.pkcs11_tool("cli", "--list-objects", "--type", "secrkey")
    block = next(b for b in listing.split("Secret Key Object") if f"label:      {key_id}" in b)
    assert "AES length 32" in block, block
    access = next(line for line in block.splitlines() if line.strip().startswith("Access:"))
    assert "sensitive" in access and "never extractable" in access, access
    assert "extractable" not in access.replace("never extractable", ""), access
    # The database keeps only which store holds the key: no material, wrapped or not.
    assert stored_material(hsm_server, key_id) == [store_id.encode()]

    aws(env, "kms", "disconnect-custom-key-store", "--custom-key-store-id", store_id)
    assert aws_json(env, "kms", "describe-key", "--key-id", key_id)["KeyMetadata"]["KeyState"] == "Unavailable"
    failed = aws(env, "kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'blob'}", "--encryption-context", "purpose=test", check=False)
    assert failed.returncode != 0 and b"KMSInvalidStateException" in failed.stderr, failed.stderr
    refused = aws(env, "kms", "delete-custom-key-store", "--custom-key-store-id", store_id, check=False)
    assert b"CustomKeyStoreHasCMKsException" in refused.stderr, refused.stderr

    aws(env, "kms", "connect-custom-key-store", "--custom-key-store-id", store_id)
    again = aws_json(env, "kms", "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'blob'}", "--encryption-context", "purpose=test")
    assert base64.b64decode(again["Plaintext"]) == plaintext.read_bytes()
    aws(env, "kms", "disconnect-custom-key-store", "--custom-key-store-id", store_id)


@pytest.fixture(scope="module")
def connected_store(hsm_server, tmp_path_factory):
    """A connected store on token `boto`, made through boto3; yields (kms, store ID, cluster)."""
    kms = hsm_server.client()
    cluster = register(hsm_server, "boto", tmp_path_factory.mktemp("anchor"))
    store_id = kms.create_custom_key_store(
        CustomKeyStoreName=f"boto-{uuid.uuid4().hex[:8]}", CloudHsmClusterId=cluster["ClusterId"],
        TrustAnchorCertificate=cluster["TrustAnchorCertificate"], KeyStorePassword=PIN,
    )["CustomKeyStoreId"]
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert describe(kms, store_id)["ConnectionState"] == "CONNECTED"
    yield kms, store_id, cluster


def test_data_plane_runs_in_the_hsm(connected_store):
    kms, store_id, _ = connected_store
    key_id = kms.create_key(Origin="AWS_CLOUDHSM", CustomKeyStoreId=store_id)["KeyMetadata"]["KeyId"]
    context = {"tenant": "a"}
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"secret", EncryptionContext=context)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == b"secret"
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext={"tenant": "b"}), "InvalidCiphertextException")
    tampered = bytearray(blob)
    tampered[-1] ^= 1
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=bytes(tampered), EncryptionContext=context), "InvalidCiphertextException")

    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    assert len(data_key["Plaintext"]) == 32
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
    wrapped = kms.generate_data_key_without_plaintext(KeyId=key_id, NumberOfBytes=16)["CiphertextBlob"]
    assert len(kms.decrypt(CiphertextBlob=wrapped)["Plaintext"]) == 16

    # ReEncrypt between the HSM and the software key store, both ways.
    software = kms.create_key()["KeyMetadata"]["KeyId"]
    moved = kms.re_encrypt(
        CiphertextBlob=blob, SourceEncryptionContext=context, DestinationKeyId=software, DestinationEncryptionContext=context
    )["CiphertextBlob"]
    back = kms.re_encrypt(
        CiphertextBlob=moved, SourceEncryptionContext=context, DestinationKeyId=key_id, DestinationEncryptionContext=context
    )["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=back, EncryptionContext=context)["Plaintext"] == b"secret"

    # What AWS refuses for keys in a CloudHSM key store.
    assert_client_error(lambda: kms.enable_key_rotation(KeyId=key_id), "UnsupportedOperationException")
    assert_client_error(lambda: kms.rotate_key_on_demand(KeyId=key_id), "UnsupportedOperationException")
    assert_client_error(
        lambda: kms.create_key(Origin="AWS_CLOUDHSM", CustomKeyStoreId=store_id, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC"),
        "UnsupportedOperationException",
    )
    assert_client_error(lambda: kms.create_key(Origin="AWS_CLOUDHSM"), "ValidationException")
    assert_client_error(lambda: kms.create_key(CustomKeyStoreId=store_id), "ValidationException")
    assert_client_error(
        lambda: kms.create_key(Origin="AWS_CLOUDHSM", CustomKeyStoreId="cks-00000000000000000"), "CustomKeyStoreNotFoundException"
    )


def test_a_connected_store_refuses_what_needs_it_disconnected(connected_store):
    kms, store_id, _ = connected_store
    assert_client_error(lambda: kms.delete_custom_key_store(CustomKeyStoreId=store_id), "CustomKeyStoreInvalidStateException")
    assert_client_error(
        lambda: kms.update_custom_key_store(CustomKeyStoreId=store_id, NewCustomKeyStoreName="renamed"), "CustomKeyStoreInvalidStateException"
    )
    # Connecting a connected store is no error, as in AWS.
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert describe(kms, store_id)["ConnectionState"] == "CONNECTED"


def test_creation_errors(connected_store, hsm_server, tmp_path):
    kms, store_id, cluster = connected_store
    other = register(hsm_server, "spare", tmp_path)

    def create(**kw):
        args = {
            "CustomKeyStoreName": f"n-{uuid.uuid4().hex[:8]}", "CloudHsmClusterId": other["ClusterId"],
            "TrustAnchorCertificate": other["TrustAnchorCertificate"], "KeyStorePassword": PIN,
        }
        args.update(kw)
        return kms.create_custom_key_store(**args)

    assert_client_error(lambda: create(CloudHsmClusterId="cluster-aaaaaaaaaaa"), "CloudHsmClusterNotFoundException")
    assert_client_error(lambda: create(TrustAnchorCertificate=cluster["TrustAnchorCertificate"]), "IncorrectTrustAnchorException")
    assert_client_error(lambda: create(CloudHsmClusterId="not-a-cluster"), "ValidationException")
    assert_client_error(lambda: create(KeyStorePassword="short"), "ValidationException")
    # A second registration of a token in use is a related cluster: still in use.
    again = register(hsm_server, "boto", tmp_path)
    assert_client_error(
        lambda: create(CloudHsmClusterId=again["ClusterId"], TrustAnchorCertificate=again["TrustAnchorCertificate"]),
        "CloudHsmClusterInUseException",
    )
    name = describe(kms, store_id)["CustomKeyStoreName"]
    assert_client_error(lambda: create(CustomKeyStoreName=name), "CustomKeyStoreNameInUseException")
    # An external key store takes no CloudHSM parameters.
    assert_client_error(lambda: create(CustomKeyStoreType="EXTERNAL_KEY_STORE"), "ValidationException")
    assert_client_error(lambda: kms.describe_custom_key_stores(CustomKeyStoreId="cks-11111111111111111"), "CustomKeyStoreNotFoundException")
    assert_client_error(lambda: kms.connect_custom_key_store(CustomKeyStoreId="cks-11111111111111111"), "CustomKeyStoreNotFoundException")
    # A store without keys, disconnected, is deleted.
    made = create()["CustomKeyStoreId"]
    kms.delete_custom_key_store(CustomKeyStoreId=made)
    assert_client_error(lambda: describe(kms, made), "CustomKeyStoreNotFoundException")


def test_wrong_password_fails_the_connection_and_an_update_fixes_it(hsm_server, tmp_path):
    kms = hsm_server.client()
    cluster = register(hsm_server, "wrong-pin", tmp_path)
    store_id = kms.create_custom_key_store(
        CustomKeyStoreName=f"wrong-{uuid.uuid4().hex[:8]}", CloudHsmClusterId=cluster["ClusterId"],
        TrustAnchorCertificate=cluster["TrustAnchorCertificate"], KeyStorePassword="not-the-pin",
    )["CustomKeyStoreId"]
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    entry = describe(kms, store_id)
    assert entry["ConnectionState"] == "FAILED" and entry["ConnectionErrorCode"] == "INVALID_CREDENTIALS", entry
    # As AWS: a FAILED store is disconnected before it is connected again.
    assert_client_error(lambda: kms.connect_custom_key_store(CustomKeyStoreId=store_id), "CustomKeyStoreInvalidStateException")
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    assert_client_error(lambda: kms.disconnect_custom_key_store(CustomKeyStoreId=store_id), "CustomKeyStoreInvalidStateException")
    kms.update_custom_key_store(CustomKeyStoreId=store_id, KeyStorePassword=PIN)
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert describe(kms, store_id)["ConnectionState"] == "CONNECTED"
    key_id = kms.create_key(Origin="AWS_CLOUDHSM", CustomKeyStoreId=store_id)["KeyMetadata"]["KeyId"]
    assert kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"])["Plaintext"] == b"x"

    # An unrelated cluster (another token) is refused; a related one (this token registered again) is taken.
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    unrelated = register(hsm_server, "spare", tmp_path)
    assert_client_error(
        lambda: kms.update_custom_key_store(CustomKeyStoreId=store_id, CloudHsmClusterId=unrelated["ClusterId"]),
        "CloudHsmClusterNotRelatedException",
    )
    related = register(hsm_server, "wrong-pin", tmp_path)
    kms.update_custom_key_store(CustomKeyStoreId=store_id, CloudHsmClusterId=related["ClusterId"])
    assert describe(kms, store_id)["CloudHsmClusterId"] == related["ClusterId"]

    # The password is stored only sealed, and CloudTrail's record hides it.
    assert PIN.encode() not in hsm_server.db_bytes() and b"not-the-pin" not in hsm_server.db_bytes()
    assert b"not-the-pin" not in hsm_server.log_path.read_bytes() and PIN.encode() not in hsm_server.log_path.read_bytes()


def test_restart_reconnects_and_deleting_needs_no_keys(connected_store, hsm_server, tmp_path):
    kms, store_id, _ = connected_store
    key_id = kms.create_key(Origin="AWS_CLOUDHSM", CustomKeyStoreId=store_id)["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"survives a restart")["CiphertextBlob"]
    hsm_server.stop()
    hsm_server.start()
    kms = hsm_server.client()
    assert describe(kms, store_id)["ConnectionState"] == "CONNECTED"
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"survives a restart"

    export = json.loads(subprocess.run(
        [str(hsm_server.binary), "audit", "export", "--data", str(hsm_server.data_dir)], capture_output=True, text=True, check=True,
    ).stdout)
    created = [r for r in export["Records"] if r["eventName"] == "CreateCustomKeyStore"]
    assert created and all(r["requestParameters"]["keyStorePassword"] == "HIDDEN_DUE_TO_SECURITY_REASONS" for r in created)
    assert PIN.encode() not in json.dumps(export).encode()

    # Deleting: refused while connected or while it holds keys (even pending deletion), then allowed.
    assert_client_error(lambda: kms.delete_custom_key_store(CustomKeyStoreId=store_id), "CustomKeyStoreInvalidStateException")
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    assert_client_error(lambda: kms.delete_custom_key_store(CustomKeyStoreId=store_id), "CustomKeyStoreHasCMKsException")
