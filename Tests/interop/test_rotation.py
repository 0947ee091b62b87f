"""Key rotation and usage through boto3 and the AWS CLI: automatic rotation
settings, on-demand rotation, the list of rotations, ciphertexts made before
any number of rotations still decrypting, and a key's last use."""

import datetime
import uuid

from conftest import assert_client_error, aws, aws_json


def test_enable_status_disable(kms, key_id):
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is False and "NextRotationDate" not in status
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 180
    days = (status["NextRotationDate"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds() / 86400
    assert 179 < days <= 180
    kms.enable_key_rotation(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["RotationPeriodInDays"] == 365
    kms.disable_key_rotation(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False


def test_period_bounds_and_key_states(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    for days in (89, 2561):
        assert_client_error(lambda: kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=days), "ValidationException")
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    kms.disable_key(KeyId=key_id)
    assert_client_error(lambda: kms.enable_key_rotation(KeyId=key_id), "DisabledException")
    assert_client_error(lambda: kms.rotate_key_on_demand(KeyId=key_id), "DisabledException")
    kms.enable_key(KeyId=key_id)
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert_client_error(lambda: kms.rotate_key_on_demand(KeyId=key_id), "KMSInvalidStateException")
    assert_client_error(lambda: kms.get_key_rotation_status(KeyId=str(uuid.uuid4())), "NotFoundException")


def test_old_ciphertexts_decrypt_after_rotations_and_reencrypt_moves_them(kms, key_id):
    before = kms.encrypt(KeyId=key_id, Plaintext=b"first", EncryptionContext={"n": "0"})["CiphertextBlob"]
    made = [before]
    for n in range(1, 4):
        assert kms.rotate_key_on_demand(KeyId=key_id)["KeyId"].endswith(key_id)
        made.append(kms.encrypt(KeyId=key_id, Plaintext=b"later", EncryptionContext={"n": str(n)})["CiphertextBlob"])
    for n, blob in enumerate(made):
        assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"n": str(n)})["Plaintext"] in (b"first", b"later")
    moved = kms.re_encrypt(
        CiphertextBlob=before, SourceEncryptionContext={"n": "0"}, DestinationKeyId=key_id,
        DestinationEncryptionContext={"n": "0"},
    )["CiphertextBlob"]
    assert moved != before
    assert kms.decrypt(CiphertextBlob=moved, EncryptionContext={"n": "0"})["Plaintext"] == b"first"

    rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"] * 3
    assert [r["KeyMaterialState"] for r in rotations] == ["NON_CURRENT", "NON_CURRENT", "CURRENT"]
    assert all(len(r["KeyMaterialId"]) == 64 for r in rotations)
    everything = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert len(everything) == 4 and "RotationType" not in everything[0]
    # Answers name the material they used.
    ids = [r["KeyMaterialId"] for r in everything]
    assert kms.decrypt(CiphertextBlob=before, EncryptionContext={"n": "0"})["KeyMaterialId"] == ids[0]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"] == ids[3]


def test_rotations_page_with_markers(kms, key_id):
    for _ in range(5):
        kms.rotate_key_on_demand(KeyId=key_id)
    seen, marker = [], None
    while True:
        page = kms.list_key_rotations(KeyId=key_id, Limit=2, **({"Marker": marker} if marker else {}))
        seen += [r["KeyMaterialId"] for r in page["Rotations"]]
        if not page["Truncated"]:
            break
        marker = page["NextMarker"]
    assert len(seen) == 5 == len(set(seen))
    assert_client_error(lambda: kms.list_key_rotations(KeyId=key_id, Marker="nope"), "InvalidMarkerException")


def test_cli_rotation(aws_cli_env):
    key_id = aws_json(aws_cli_env, "kms", "create-key")["KeyMetadata"]["KeyId"]
    aws(aws_cli_env, "kms", "enable-key-rotation", "--key-id", key_id, "--rotation-period-in-days", "90")
    assert aws_json(aws_cli_env, "kms", "get-key-rotation-status", "--key-id", key_id)["RotationPeriodInDays"] == 90
    aws_json(aws_cli_env, "kms", "rotate-key-on-demand", "--key-id", key_id)
    assert len(aws_json(aws_cli_env, "kms", "list-key-rotations", "--key-id", key_id)["Rotations"]) == 1


def test_key_last_usage_survives_a_restart(new_server):
    srv = new_server()
    kms = srv.client()
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    fresh = kms.get_key_last_usage(KeyId=key_id)
    assert "KeyLastUsage" not in fresh and fresh["KeyCreationDate"] >= fresh["TrackingStartDate"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    kms.describe_key(KeyId=key_id)
    used = kms.get_key_last_usage(KeyId=key_id)["KeyLastUsage"]
    assert used["Operation"] == "Encrypt" and used["KmsRequestId"]
    kms.decrypt(CiphertextBlob=blob)
    # Written at shutdown by the maintenance service, read back after restart.
    srv.restart()
    after = srv.client().get_key_last_usage(KeyId=key_id)
    assert after["KeyLastUsage"]["Operation"] == "Decrypt"
    assert after["TrackingStartDate"] == fresh["TrackingStartDate"]
