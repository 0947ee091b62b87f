"""The AWS CLI against every asymmetric and HMAC family: one call that works,
checked by Python `cryptography`, and the limit and wrong-usage errors AWS gives,
each as the CLI reports it (a failed exit and the error's name on stderr)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from conftest import aws, aws_json


def key(env, spec: str, usage: str) -> str:
    return aws_json(env, "kms", "create-key", "--key-spec", spec, "--key-usage", usage)["KeyMetadata"]["KeyId"]


def file_with(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return f"fileb://{path}"


def public_key(env, key_id: str):
    der = base64.b64decode(aws_json(env, "kms", "get-public-key", "--key-id", key_id)["PublicKey"])
    return serialization.load_der_public_key(der)


def assert_cli_error(env, expected: str, *args: str) -> None:
    cp = aws(env, *args, check=False)
    assert cp.returncode != 0 and f"({expected})" in cp.stderr.decode(), cp.stderr.decode()


def test_rsa_digest_signing_and_its_errors(aws_cli_env, tmp_path):
    key_id = key(aws_cli_env, "RSA_2048", "SIGN_VERIFY")
    digest = hashlib.sha256(b"signed by digest through the CLI").digest()
    signed = aws_json(
        aws_cli_env, "kms", "sign", "--key-id", key_id, "--message", file_with(tmp_path, "digest", digest),
        "--message-type", "DIGEST", "--signing-algorithm", "RSASSA_PSS_SHA_256",
    )
    public_key(aws_cli_env, key_id).verify(
        base64.b64decode(signed["Signature"]), b"signed by digest through the CLI",
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH), hashes.SHA256(),
    )
    assert_cli_error(
        aws_cli_env, "ValidationException", "kms", "sign", "--key-id", key_id, "--message", file_with(tmp_path, "short", digest[:31]),
        "--message-type", "DIGEST", "--signing-algorithm", "RSASSA_PSS_SHA_256",
    )
    assert_cli_error(
        aws_cli_env, "InvalidKeyUsageException", "kms", "sign", "--key-id", key_id, "--message", file_with(tmp_path, "m", b"m"),
        "--signing-algorithm", "ECDSA_SHA_256",
    )
    assert_cli_error(
        aws_cli_env, "ValidationException", "kms", "sign", "--key-id", key_id, "--message", file_with(tmp_path, "big", b"m" * 4097),
        "--signing-algorithm", "RSASSA_PSS_SHA_256",
    )


def test_rsa_encryption_limit(aws_cli_env, tmp_path):
    key_id = key(aws_cli_env, "RSA_2048", "ENCRYPT_DECRYPT")
    # OAEP with SHA-256 under a 2048-bit key takes at most 256 - 2*32 - 2 = 190 bytes.
    assert_cli_error(
        aws_cli_env, "ValidationException", "kms", "encrypt", "--key-id", key_id, "--plaintext", file_with(tmp_path, "p", b"p" * 191),
        "--encryption-algorithm", "RSAES_OAEP_SHA_256",
    )
    assert_cli_error(
        aws_cli_env, "InvalidKeyUsageException", "kms", "sign", "--key-id", key_id, "--message", file_with(tmp_path, "m", b"m"),
        "--signing-algorithm", "RSASSA_PSS_SHA_256",
    )


def test_ed25519ph_through_the_cli(aws_cli_env, tmp_path):
    key_id = key(aws_cli_env, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY")
    digest = hashlib.sha512(b"prehashed through the CLI").digest()
    signed = aws_json(
        aws_cli_env, "kms", "sign", "--key-id", key_id, "--message", file_with(tmp_path, "digest", digest),
        "--message-type", "DIGEST", "--signing-algorithm", "ED25519_PH_SHA_512",
    )
    verified = aws_json(
        aws_cli_env, "kms", "verify", "--key-id", key_id, "--message", file_with(tmp_path, "digest", digest), "--message-type", "DIGEST",
        "--signature", file_with(tmp_path, "signature", base64.b64decode(signed["Signature"])), "--signing-algorithm", "ED25519_PH_SHA_512",
    )
    assert verified["SignatureValid"] is True
    assert_cli_error(
        aws_cli_env, "ValidationException", "kms", "sign", "--key-id", key_id, "--message", file_with(tmp_path, "digest", digest),
        "--signing-algorithm", "ED25519_PH_SHA_512",
    )


def test_key_agreement_and_its_errors(aws_cli_env, tmp_path):
    key_id = key(aws_cli_env, "ECC_NIST_P384", "KEY_AGREEMENT")
    peer = ec.generate_private_key(ec.SECP384R1())
    peer_der = peer.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    derived = aws_json(
        aws_cli_env, "kms", "derive-shared-secret", "--key-id", key_id, "--key-agreement-algorithm", "ECDH",
        "--public-key", file_with(tmp_path, "peer", peer_der),
    )
    assert base64.b64decode(derived["SharedSecret"]) == peer.exchange(ec.ECDH(), public_key(aws_cli_env, key_id))
    wrong_curve = ec.generate_private_key(ec.SECP256R1()).public_key()
    wrong_der = wrong_curve.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert_cli_error(
        aws_cli_env, "ValidationException", "kms", "derive-shared-secret", "--key-id", key_id, "--key-agreement-algorithm", "ECDH",
        "--public-key", file_with(tmp_path, "wrong", wrong_der),
    )
    assert_cli_error(
        aws_cli_env, "InvalidKeyUsageException", "kms", "sign", "--key-id", key_id, "--message", file_with(tmp_path, "m", b"m"),
        "--signing-algorithm", "ECDSA_SHA_384",
    )


def test_hmac_errors(aws_cli_env, tmp_path):
    key_id = key(aws_cli_env, "HMAC_256", "GENERATE_VERIFY_MAC")
    message = file_with(tmp_path, "m", b"mac me")
    mac = base64.b64decode(aws_json(aws_cli_env, "kms", "generate-mac", "--key-id", key_id, "--message", message, "--mac-algorithm", "HMAC_SHA_256")["Mac"])
    assert_cli_error(
        aws_cli_env, "KMSInvalidMacException", "kms", "verify-mac", "--key-id", key_id, "--message", message, "--mac-algorithm", "HMAC_SHA_256",
        "--mac", file_with(tmp_path, "mac", bytes([mac[0] ^ 1]) + mac[1:]),
    )
    assert_cli_error(
        aws_cli_env, "InvalidKeyUsageException", "kms", "generate-mac", "--key-id", key_id, "--message", message, "--mac-algorithm", "HMAC_SHA_512",
    )
    assert_cli_error(
        aws_cli_env, "ValidationException", "kms", "generate-mac", "--key-id", key_id, "--message", file_with(tmp_path, "big", b"m" * 4097),
        "--mac-algorithm", "HMAC_SHA_256",
    )


@pytest.mark.parametrize("spec,usage", [("ML_DSA_65", "SIGN_VERIFY"), ("ECC_SECG_P256K1", "SIGN_VERIFY")])
def test_get_public_key_and_wrong_usage(aws_cli_env, tmp_path, spec, usage):
    key_id = key(aws_cli_env, spec, usage)
    described = aws_json(aws_cli_env, "kms", "get-public-key", "--key-id", key_id)
    assert described["KeySpec"] == spec and described["KeyUsage"] == usage
    serialization.load_der_public_key(base64.b64decode(described["PublicKey"]))
    assert_cli_error(
        aws_cli_env, "InvalidKeyUsageException", "kms", "encrypt", "--key-id", key_id, "--plaintext", file_with(tmp_path, "p", b"p"),
    )


def test_data_key_pair_through_the_cli(aws_cli_env):
    wrapping_key = aws_json(aws_cli_env, "kms", "create-key")["KeyMetadata"]["KeyId"]
    pair = aws_json(aws_cli_env, "kms", "generate-data-key-pair", "--key-id", wrapping_key, "--key-pair-spec", "ECC_NIST_P256")
    private_key = serialization.load_der_private_key(base64.b64decode(pair["PrivateKeyPlaintext"]), password=None)
    assert private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == base64.b64decode(pair["PublicKey"])
    assert_cli_error(
        aws_cli_env, "UnsupportedOperationException", "kms", "generate-data-key-pair", "--key-id", wrapping_key, "--key-pair-spec", "SM2",
    )
