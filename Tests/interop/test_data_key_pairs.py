"""GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext: a fresh key
pair for use outside KMS, its private key (PKCS#8) also sealed under a
symmetric key with the encryption context. Python `cryptography` loads both
halves, checks they belong together, and a signature made offline with the
private key verifies with the public one."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from conftest import assert_client_error, b64

PAIRS = {
    "ECC_NIST_P256": ec.SECP256R1, "ECC_NIST_P384": ec.SECP384R1, "ECC_NIST_P521": ec.SECP521R1,
    "ECC_SECG_P256K1": ec.SECP256K1, "ECC_NIST_EDWARDS25519": None, "RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096,
}


def sign_and_verify(private_key, public_key) -> None:
    message = b"made outside KMS"
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        public_key.verify(private_key.sign(message, ec.ECDSA(hashes.SHA256())), message, ec.ECDSA(hashes.SHA256()))
    elif isinstance(private_key, ed25519.Ed25519PrivateKey):
        public_key.verify(private_key.sign(message), message)
    else:
        public_key.verify(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256()), message, padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize("spec", sorted(PAIRS))
def test_pairs_belong_together_and_the_sealed_private_key_decrypts(kms, key_id, spec):
    context = {"purpose": "pair"}
    pair = kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec=spec, EncryptionContext=context)
    assert pair["KeyPairSpec"] == spec and pair["KeyId"].endswith(key_id)
    private_key = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    public_key = serialization.load_der_public_key(pair["PublicKey"])
    expected = PAIRS[spec]
    if isinstance(expected, int):
        assert isinstance(private_key, rsa.RSAPrivateKey) and private_key.key_size == expected
    elif expected is None:
        assert isinstance(private_key, ed25519.Ed25519PrivateKey)
    else:
        assert isinstance(private_key.curve, expected)
    assert private_key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == pair["PublicKey"]
    sign_and_verify(private_key, public_key)
    opened = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext=context)
    assert opened["Plaintext"] == pair["PrivateKeyPlaintext"]
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"]), "InvalidCiphertextException")


def test_without_plaintext(kms, key_id):
    pair = kms.generate_data_key_pair_without_plaintext(KeyId=key_id, KeyPairSpec="ECC_NIST_P256")
    assert "PrivateKeyPlaintext" not in pair
    private_key = serialization.load_der_private_key(kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"])["Plaintext"], password=None)
    assert private_key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == pair["PublicKey"]


def test_the_errors(kms, key_id):
    rsa_key = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    assert_client_error(lambda: kms.generate_data_key_pair(KeyId=rsa_key, KeyPairSpec="ECC_NIST_P256"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec="SM2"), "UnsupportedOperationException")
    assert_client_error(lambda: kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec="DSA_1024"), "ValidationException")


def test_audit_records_hold_no_half_of_the_pair(server):
    kms = server.client()
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    pair = kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec="ECC_NIST_P256")
    exported = server.admin("audit", "export").stdout
    record = [r for r in json.loads(exported)["Records"] if r["requestID"] == pair["ResponseMetadata"]["RequestId"]][0]
    assert record["requestParameters"] == {"keyId": key_id, "keyPairSpec": "ECC_NIST_P256"}
    for secret in (pair["PrivateKeyPlaintext"], pair["PrivateKeyCiphertextBlob"]):
        for form in (secret, b64(secret).encode(), secret.hex().encode()):
            assert form not in exported.encode()
