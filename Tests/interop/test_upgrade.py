"""A data directory of an earlier release opens and keeps working."""

import base64
import json
import shutil
import sqlite3
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "v1-data-dir"


def test_first_release_data_directory_keeps_working(new_server, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    fixture = json.loads((data / "fixture.json").read_text())
    srv = new_server(
        data_dir=data,
        access_key_id=fixture["accessKeyId"],
        secret_access_key=fixture["secretAccessKey"],
        account_id=fixture["accountId"],
    )
    kms = srv.client()
    old_ciphertext = base64.b64decode(fixture["ciphertext"])
    plaintext = base64.b64decode(fixture["plaintext"])

    decrypted = kms.decrypt(CiphertextBlob=old_ciphertext, EncryptionContext=fixture["encryptionContext"])
    assert decrypted["Plaintext"] == plaintext
    assert decrypted["KeyId"].endswith(fixture["keyId"])
    assert kms.describe_key(KeyId=fixture["alias"])["KeyMetadata"]["KeyId"] == fixture["keyId"]
    assert kms.describe_key(KeyId=fixture["disabledKeyId"])["KeyMetadata"]["KeyState"] == "Disabled"

    # New encryptions under the old key, and a key made by this release, side by side.
    again = kms.encrypt(KeyId=fixture["alias"], Plaintext=b"after the upgrade")["CiphertextBlob"]
    new_key = kms.create_key(Description="made after the upgrade")["KeyMetadata"]["KeyId"]
    moved = kms.re_encrypt(
        CiphertextBlob=old_ciphertext, SourceEncryptionContext=fixture["encryptionContext"], DestinationKeyId=new_key
    )["CiphertextBlob"]

    srv.restart()
    kms = srv.client()
    assert kms.decrypt(CiphertextBlob=again)["Plaintext"] == b"after the upgrade"
    assert kms.decrypt(CiphertextBlob=moved)["Plaintext"] == plaintext
    assert kms.decrypt(CiphertextBlob=old_ciphertext, EncryptionContext=fixture["encryptionContext"])["Plaintext"] == plaintext

    # The old version keeps the format it was wrapped in; the new key's names its spec.
    srv.stop()
    with sqlite3.connect(data / "trent.sqlite") as db:
        formats = dict(db.execute("SELECT key_id, wrapping_format FROM key_versions").fetchall())
    assert formats[fixture["keyId"]] == 1
    assert formats[new_key] == 2
