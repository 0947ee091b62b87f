"""RSA encryption keys (RSA_2048/3072/4096 with ENCRYPT_DECRYPT): RSAES-OAEP
with SHA-1 or SHA-256. Ciphertexts made offline by Python `cryptography` with
the public key from GetPublicKey decrypt in Trent, and Trent's decrypt there
too (through ReEncrypt to a symmetric key); AWS's errors."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from conftest import assert_client_error, aws_json

OAEP = {"RSAES_OAEP_SHA_1": hashes.SHA1, "RSAES_OAEP_SHA_256": hashes.SHA256}


def oaep(algorithm: str):
    h = OAEP[algorithm]
    return padding.OAEP(mgf=padding.MGF1(algorithm=h()), algorithm=h(), label=None)


@pytest.fixture(scope="module")
def rsa_key(kms):
    metadata = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    published = kms.get_public_key(KeyId=metadata["KeyId"])
    return metadata, published, serialization.load_der_public_key(published["PublicKey"])


@pytest.mark.parametrize("algorithm", sorted(OAEP))
def test_offline_ciphertexts_decrypt_and_trent_ciphertexts_round_trip(kms, rsa_key, algorithm):
    metadata, published, public_key = rsa_key
    assert metadata["EncryptionAlgorithms"] == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] and "SigningAlgorithms" not in metadata
    assert published["KeyUsage"] == "ENCRYPT_DECRYPT" and published["EncryptionAlgorithms"] == metadata["EncryptionAlgorithms"]
    offline = public_key.encrypt(b"sealed offline", oaep(algorithm))
    opened = kms.decrypt(CiphertextBlob=offline, KeyId=metadata["KeyId"], EncryptionAlgorithm=algorithm)
    assert opened["Plaintext"] == b"sealed offline" and opened["KeyId"] == metadata["Arn"] and opened["EncryptionAlgorithm"] == algorithm
    sealed = kms.encrypt(KeyId=metadata["KeyId"], Plaintext=b"sealed by trent", EncryptionAlgorithm=algorithm)
    assert len(sealed["CiphertextBlob"]) == 256
    assert kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"], KeyId=metadata["KeyId"], EncryptionAlgorithm=algorithm)["Plaintext"] == b"sealed by trent"
    # OAEP is randomized: the same plaintext seals differently each time.
    again = kms.encrypt(KeyId=metadata["KeyId"], Plaintext=b"sealed by trent", EncryptionAlgorithm=algorithm)["CiphertextBlob"]
    assert again != sealed["CiphertextBlob"]


def test_reencrypt_from_an_rsa_ciphertext_to_a_symmetric_key(kms, rsa_key, key_id):
    metadata, _, public_key = rsa_key
    offline = public_key.encrypt(b"moved into KMS", oaep("RSAES_OAEP_SHA_256"))
    moved = kms.re_encrypt(
        CiphertextBlob=offline, SourceKeyId=metadata["KeyId"], SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256", DestinationKeyId=key_id
    )
    assert moved["SourceKeyId"] == metadata["Arn"] and moved["SourceEncryptionAlgorithm"] == "RSAES_OAEP_SHA_256"
    assert kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"] == b"moved into KMS"


@pytest.mark.parametrize("spec,limit", [("RSA_3072", 318), ("RSA_4096", 446)])
def test_plaintext_limits_of_larger_keys(kms, spec, limit):
    key_id = kms.create_key(KeySpec=spec, KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    longest = b"x" * limit
    sealed = kms.encrypt(KeyId=key_id, Plaintext=longest, EncryptionAlgorithm="RSAES_OAEP_SHA_256")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=sealed, KeyId=key_id, EncryptionAlgorithm="RSAES_OAEP_SHA_256")["Plaintext"] == longest
    assert_client_error(
        lambda: kms.encrypt(KeyId=key_id, Plaintext=longest + b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256"), "ValidationException"
    )


def test_aws_cli_encrypts_with_an_rsa_key(kms, rsa_key, aws_cli_env, tmp_path):
    metadata, _, _ = rsa_key
    (tmp_path / "plain").write_bytes(b"through the CLI")
    sealed = aws_json(
        aws_cli_env, "kms", "encrypt", "--key-id", metadata["KeyId"], "--plaintext", f"fileb://{tmp_path / 'plain'}",
        "--encryption-algorithm", "RSAES_OAEP_SHA_1",
    )
    (tmp_path / "sealed").write_bytes(base64.b64decode(sealed["CiphertextBlob"]))
    opened = aws_json(
        aws_cli_env, "kms", "decrypt", "--key-id", metadata["KeyId"], "--ciphertext-blob", f"fileb://{tmp_path / 'sealed'}",
        "--encryption-algorithm", "RSAES_OAEP_SHA_1",
    )
    assert base64.b64decode(opened["Plaintext"]) == b"through the CLI"


def test_the_errors(kms, rsa_key, key_id):
    metadata, _, public_key = rsa_key
    rsa_id = metadata["KeyId"]
    offline = public_key.encrypt(b"p", oaep("RSAES_OAEP_SHA_256"))
    # SYMMETRIC_DEFAULT, named or by default, is not an RSA algorithm.
    assert_client_error(lambda: kms.encrypt(KeyId=rsa_id, Plaintext=b"p"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=offline, KeyId=rsa_id), "InvalidKeyUsageException")
    # Without the KeyId, an RSA ciphertext names no key.
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=offline, EncryptionAlgorithm="RSAES_OAEP_SHA_256"), "InvalidCiphertextException")
    # The other OAEP hash, or a changed byte, opens nothing.
    assert_client_error(
        lambda: kms.decrypt(CiphertextBlob=offline, KeyId=rsa_id, EncryptionAlgorithm="RSAES_OAEP_SHA_1"), "InvalidCiphertextException"
    )
    tampered = bytes([offline[0] ^ 1]) + offline[1:]
    assert_client_error(
        lambda: kms.decrypt(CiphertextBlob=tampered, KeyId=rsa_id, EncryptionAlgorithm="RSAES_OAEP_SHA_256"), "InvalidCiphertextException"
    )
    assert_client_error(
        lambda: kms.encrypt(KeyId=rsa_id, Plaintext=b"p", EncryptionAlgorithm="RSAES_OAEP_SHA_256", EncryptionContext={"a": "b"}),
        "ValidationException",
    )
    assert_client_error(lambda: kms.encrypt(KeyId=rsa_id, Plaintext=b"x" * 191, EncryptionAlgorithm="RSAES_OAEP_SHA_256"), "ValidationException")
    assert_client_error(lambda: kms.generate_data_key(KeyId=rsa_id, KeySpec="AES_256"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.sign(KeyId=rsa_id, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256"), "InvalidKeyUsageException")
    # A symmetric key refuses the RSA algorithms.
    assert_client_error(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"p", EncryptionAlgorithm="RSAES_OAEP_SHA_256"), "InvalidKeyUsageException")
