"""The root key inside an HSM (SoftHSMv2 through PKCS#11): a new data directory
started with `--root-key-pkcs11-*` never has a root key file, and everything
decrypts after a restart; an existing directory moves to it with
`trent root-key migrate`, every key, access key and the audit trail intact."""

from __future__ import annotations

import json
import subprocess

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import TrentServer, clean_env
from test_custom_key_store import PIN, SOFTHSM_MODULE, SoftHSM


@pytest.fixture(scope="module")
def hsm(tmp_path_factory) -> SoftHSM:
    softhsm = SoftHSM(tmp_path_factory.mktemp("softhsm-root"))
    for label in ("root-new", "root-migrated"):
        softhsm.init_token(label)
    return softhsm


def hsm_args(token: str) -> tuple[str, ...]:
    return ("--root-key-pkcs11-module", SOFTHSM_MODULE, "--root-key-pkcs11-token-label", token)


def hsm_env(hsm: SoftHSM) -> dict[str, str]:
    return {**hsm.env, "TRENT_ROOT_KEY_PKCS11_PIN": PIN}


def use_keys(kms) -> dict:
    """Keys of three kinds, and what each produced, to check after a restart or a migration."""
    symmetric = kms.create_key()["KeyMetadata"]["KeyId"]
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    mac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    return {
        "blob": kms.encrypt(KeyId=symmetric, Plaintext=b"under the root key", EncryptionContext={"k": "v"})["CiphertextBlob"],
        "signing": signing,
        "public": kms.get_public_key(KeyId=signing)["PublicKey"],
        "mac_key": mac,
        "mac": kms.generate_mac(KeyId=mac, Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"],
    }


def check_keys(kms, used: dict) -> None:
    assert kms.decrypt(CiphertextBlob=used["blob"], EncryptionContext={"k": "v"})["Plaintext"] == b"under the root key"
    signature = kms.sign(KeyId=used["signing"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    # The signature is checked by Python's cryptography, with the public key read before.
    serialization.load_der_public_key(used["public"]).verify(signature, b"m", ec.ECDSA(hashes.SHA256()))
    assert kms.generate_mac(KeyId=used["mac_key"], Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"] == used["mac"]


def test_a_new_directory_keeps_its_root_key_in_the_hsm(hsm, new_server):
    server = new_server(extra_env=hsm_env(hsm), extra_args=hsm_args("root-new"))
    kms = server.client()
    used = use_keys(kms)
    assert not (server.data_dir / "root.key").exists()
    assert not any(p.name.startswith("root") and p.suffix == ".key" for p in server.data_dir.rglob("*"))

    # pkcs11-tool, independently: the root key is in the token, sensitive and never extractable.
    listing = hsm.pkcs11_tool("root-new", "--list-objects", "--type", "secrkey")
    block = next(b for b in listing.split("Secret Key Object") if "label:      trent-root-key" in b)
    access = next(line for line in block.splitlines() if line.strip().startswith("Access:"))
    assert "sensitive" in access and "never extractable" in access, access

    server.stop()
    server.start()
    check_keys(server.client(), used)

    # Without the HSM the directory does not open: there is no other copy of the root key.
    server.stop()
    bare = TrentServer(server.data_dir, extra_env=hsm.env)
    with pytest.raises(RuntimeError):
        bare.start()
    assert not (server.data_dir / "root.key").exists()


def test_a_wrong_pin_or_a_missing_key_refuses_to_start(hsm, new_server):
    wrong = new_server(start=False, extra_env={**hsm.env, "TRENT_ROOT_KEY_PKCS11_PIN": "not-the-pin"}, extra_args=hsm_args("root-new"))
    with pytest.raises(RuntimeError):
        wrong.start()
    assert "PIN" in wrong.log_tail() or "CKR_PIN_INCORRECT" in wrong.log_tail(), wrong.log_tail()


def test_migrating_an_existing_directory(hsm, new_server):
    server = new_server()
    kms = server.client()
    used = use_keys(kms)
    created = server.admin_json("user", "create", "migrating-user")
    server.allow_all_kms("migrating-user")
    old_root_key = (server.data_dir / "root.key").read_bytes()
    server.stop()

    # Migrating while a server runs on the directory is refused.
    server.start()
    cp = subprocess.run(
        [str(server.binary), "root-key", "migrate", "--data", str(server.data_dir), *hsm_args("root-migrated")],
        env=clean_env(hsm_env(hsm)), capture_output=True, text=True,
    )
    assert cp.returncode != 0 and "already using" in cp.stderr, cp.stderr
    server.stop()

    cp = subprocess.run(
        [str(server.binary), "root-key", "migrate", "--data", str(server.data_dir), *hsm_args("root-migrated")],
        env=clean_env(hsm_env(hsm)), capture_output=True, text=True,
    )
    assert cp.returncode == 0, cp.stderr
    report = json.loads(cp.stdout)
    # Three key versions; the root user's access key and the new user's.
    assert report["Migrated"]["KeyVersions"] == 3 and report["Migrated"]["AccessKeySecrets"] == 2, report
    assert not (server.data_dir / "root.key").exists()
    # No copy of the old key is left in the directory.
    assert all(old_root_key.strip() not in data for data in server.all_data_bytes().values())

    migrated = TrentServer(server.data_dir, extra_env=hsm_env(hsm), extra_args=hsm_args("root-migrated"))
    migrated.start()
    try:
        check_keys(migrated.client(), used)
        user_kms = migrated.client(created["AccessKeyId"], created["SecretAccessKey"])
        assert user_kms.decrypt(CiphertextBlob=used["blob"], EncryptionContext={"k": "v"})["Plaintext"] == b"under the root key"
        # The audit signing key moved too: the trail still verifies, digests signed before and after.
        migrated.stop()
        verify = subprocess.run(
            [str(migrated.binary), "audit", "verify", "--data", str(migrated.data_dir)], capture_output=True, text=True
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        migrated.stop()
