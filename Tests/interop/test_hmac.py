"""HMAC keys (HMAC_224, HMAC_256, HMAC_384, HMAC_512): CreateKey with
GENERATE_VERIFY_MAC, DescribeKey's MacAlgorithms, GenerateMac and VerifyMac
through boto3 and the AWS CLI, AWS's errors, the kms:MacAlgorithm condition,
and audit records that never hold the message or the MAC. The MACs themselves
are checked against Python's hmac in the Swift unit tests, which know the key."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from conftest import assert_client_error, aws_json, b64, make_kms_client

SPECS = {"HMAC_224": ("HMAC_SHA_224", 28), "HMAC_256": ("HMAC_SHA_256", 32), "HMAC_384": ("HMAC_SHA_384", 48), "HMAC_512": ("HMAC_SHA_512", 64)}


def hmac_key(kms, spec: str) -> str:
    return kms.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]


@pytest.mark.parametrize("spec", sorted(SPECS))
def test_generate_and_verify_mac(kms, spec):
    algorithm, length = SPECS[spec]
    key_id = hmac_key(kms, spec)
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert metadata["KeySpec"] == spec and metadata["KeyUsage"] == "GENERATE_VERIFY_MAC"
    assert metadata["MacAlgorithms"] == [algorithm] and "EncryptionAlgorithms" not in metadata
    message = f"message {uuid.uuid4()}".encode()
    generated = kms.generate_mac(KeyId=key_id, Message=message, MacAlgorithm=algorithm)
    assert len(generated["Mac"]) == length and generated["MacAlgorithm"] == algorithm
    assert generated["KeyId"] == metadata["Arn"]
    # HMAC is deterministic: the same key, message and algorithm give the same MAC.
    assert kms.generate_mac(KeyId=key_id, Message=message, MacAlgorithm=algorithm)["Mac"] == generated["Mac"]
    verified = kms.verify_mac(KeyId=key_id, Message=message, MacAlgorithm=algorithm, Mac=generated["Mac"])
    assert verified["MacValid"] is True and verified["KeyId"] == metadata["Arn"] and verified["MacAlgorithm"] == algorithm
    tampered = bytes([generated["Mac"][0] ^ 1]) + generated["Mac"][1:]
    assert_client_error(lambda: kms.verify_mac(KeyId=key_id, Message=message, MacAlgorithm=algorithm, Mac=tampered), "KMSInvalidMacException")
    assert_client_error(
        lambda: kms.verify_mac(KeyId=key_id, Message=message + b"!", MacAlgorithm=algorithm, Mac=generated["Mac"]), "KMSInvalidMacException"
    )
    # Another key of the same spec gives another MAC.
    other = hmac_key(kms, spec)
    assert kms.generate_mac(KeyId=other, Message=message, MacAlgorithm=algorithm)["Mac"] != generated["Mac"]


def test_the_errors_aws_gives(kms, key_id):
    mac_key = hmac_key(kms, "HMAC_256")
    # The key's spec names its one algorithm.
    assert_client_error(lambda: kms.generate_mac(KeyId=mac_key, Message=b"m", MacAlgorithm="HMAC_SHA_512"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.generate_mac(KeyId=mac_key, Message=b"m", MacAlgorithm="HMAC_MD5"), "ValidationException")
    assert_client_error(lambda: kms.generate_mac(KeyId=mac_key, Message=b"m" * 4097, MacAlgorithm="HMAC_SHA_256"), "ValidationException")
    # Keys of the other usage refuse each other's operations.
    assert_client_error(lambda: kms.encrypt(KeyId=mac_key, Plaintext=b"p"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.generate_data_key(KeyId=mac_key, KeySpec="AES_256"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.generate_mac(KeyId=key_id, Message=b"m", MacAlgorithm="HMAC_SHA_256"), "InvalidKeyUsageException")
    # HMAC keys do not rotate.
    assert_client_error(lambda: kms.enable_key_rotation(KeyId=mac_key), "UnsupportedOperationException")
    assert_client_error(lambda: kms.rotate_key_on_demand(KeyId=mac_key), "UnsupportedOperationException")
    # A spec and a usage that do not go together.
    assert_client_error(lambda: kms.create_key(KeySpec="HMAC_256"), "ValidationException")
    assert_client_error(lambda: kms.create_key(KeySpec="SYMMETRIC_DEFAULT", KeyUsage="GENERATE_VERIFY_MAC"), "ValidationException")
    # State rules hold as for every key.
    kms.disable_key(KeyId=mac_key)
    assert_client_error(lambda: kms.generate_mac(KeyId=mac_key, Message=b"m", MacAlgorithm="HMAC_SHA_256"), "DisabledException")
    assert_client_error(lambda: kms.verify_mac(KeyId=mac_key, Message=b"m", MacAlgorithm="HMAC_SHA_256", Mac=b"x" * 32), "DisabledException")


def test_aws_cli_generate_and_verify_mac(kms, aws_cli_env, tmp_path):
    key_id = hmac_key(kms, "HMAC_384")
    message = tmp_path / "message.bin"
    message.write_bytes(b"signed by the CLI")
    generated = aws_json(aws_cli_env, "kms", "generate-mac", "--key-id", key_id, "--message", f"fileb://{message}", "--mac-algorithm", "HMAC_SHA_384")
    mac = tmp_path / "mac.bin"
    mac.write_bytes(base64.b64decode(generated["Mac"]))
    verified = aws_json(
        aws_cli_env, "kms", "verify-mac", "--key-id", key_id, "--message", f"fileb://{message}",
        "--mac-algorithm", "HMAC_SHA_384", "--mac", f"fileb://{mac}",
    )
    assert verified["MacValid"] is True


def test_mac_algorithm_condition(server):
    kms = server.client()
    strong = hmac_key(kms, "HMAC_512")
    weak = hmac_key(kms, "HMAC_256")
    name = f"mac-{uuid.uuid4().hex[:8]}"
    user = server.admin_json("user", "create", name)
    server.iam().put_user_policy(UserName=name, PolicyName="strong-macs-only", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["kms:GenerateMac", "kms:VerifyMac"], "Resource": "*",
                       "Condition": {"StringEquals": {"kms:MacAlgorithm": "HMAC_SHA_512"}}}],
    }))
    client = make_kms_client(server.endpoint, user["AccessKeyId"], user["SecretAccessKey"])
    assert len(client.generate_mac(KeyId=strong, Message=b"m", MacAlgorithm="HMAC_SHA_512")["Mac"]) == 64
    assert_client_error(lambda: client.generate_mac(KeyId=weak, Message=b"m", MacAlgorithm="HMAC_SHA_256"), "AccessDeniedException")


def test_audit_records_name_the_key_and_algorithm_but_not_the_message_or_mac(server):
    kms = server.client()
    key_id = hmac_key(kms, "HMAC_256")
    message = f"secret message {uuid.uuid4()}".encode()
    mac = kms.generate_mac(KeyId=key_id, Message=message, MacAlgorithm="HMAC_SHA_256")
    request_id = mac["ResponseMetadata"]["RequestId"]
    kms.verify_mac(KeyId=key_id, Message=message, MacAlgorithm="HMAC_SHA_256", Mac=mac["Mac"])
    exported = server.admin("audit", "export").stdout
    records = [r for r in json.loads(exported)["Records"] if r["requestID"] == request_id]
    assert len(records) == 1, records
    record = records[0]
    assert record["eventName"] == "GenerateMac" and record["requestParameters"] == {"keyId": key_id, "macAlgorithm": "HMAC_SHA_256"}
    assert record["responseElements"] is None
    for secret in (message, mac["Mac"]):
        for form in (secret, b64(secret).encode(), secret.hex().encode()):
            assert form not in exported.encode(), "the audit trail holds a message or MAC"
