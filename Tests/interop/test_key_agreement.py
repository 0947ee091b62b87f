"""Key agreement: ECC_NIST_P256/P384/P521 keys with KEY_AGREEMENT and
DeriveSharedSecret (ECDH). Each secret equals the one Python `cryptography`
derives from the other side with the key GetPublicKey returns."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import assert_client_error, b64

CURVES = {"ECC_NIST_P256": ec.SECP256R1, "ECC_NIST_P384": ec.SECP384R1, "ECC_NIST_P521": ec.SECP521R1}


def spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.mark.parametrize("spec", sorted(CURVES))
def test_secrets_equal_those_python_derives(kms, spec):
    metadata = kms.create_key(KeySpec=spec, KeyUsage="KEY_AGREEMENT")["KeyMetadata"]
    assert metadata["KeyAgreementAlgorithms"] == ["ECDH"] and "SigningAlgorithms" not in metadata
    published = kms.get_public_key(KeyId=metadata["KeyId"])
    assert published["KeyUsage"] == "KEY_AGREEMENT" and published["KeyAgreementAlgorithms"] == ["ECDH"]
    trent_public = serialization.load_der_public_key(published["PublicKey"])
    peer = ec.generate_private_key(CURVES[spec]())
    derived = kms.derive_shared_secret(KeyId=metadata["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=spki(peer.public_key()))
    assert derived["SharedSecret"] == peer.exchange(ec.ECDH(), trent_public)
    assert derived["KeyAgreementAlgorithm"] == "ECDH" and derived["KeyOrigin"] == "AWS_KMS" and derived["KeyId"] == metadata["Arn"]


def test_the_errors(kms, key_id):
    agreement = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]["KeyId"]
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    other_curve = spki(ec.generate_private_key(ec.SECP384R1()).public_key())
    same_curve = spki(ec.generate_private_key(ec.SECP256R1()).public_key())
    assert_client_error(lambda: kms.derive_shared_secret(KeyId=agreement, KeyAgreementAlgorithm="ECDH", PublicKey=other_curve), "ValidationException")
    assert_client_error(lambda: kms.derive_shared_secret(KeyId=agreement, KeyAgreementAlgorithm="ECDH", PublicKey=b"\x30\x00"), "ValidationException")
    assert_client_error(lambda: kms.derive_shared_secret(KeyId=agreement, KeyAgreementAlgorithm="X25519", PublicKey=same_curve), "ValidationException")
    assert_client_error(lambda: kms.derive_shared_secret(KeyId=signing, KeyAgreementAlgorithm="ECDH", PublicKey=same_curve), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.derive_shared_secret(KeyId=key_id, KeyAgreementAlgorithm="ECDH", PublicKey=same_curve), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.sign(KeyId=agreement, Message=b"m", SigningAlgorithm="ECDSA_SHA_256"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.create_key(KeySpec="ECC_NIST_EDWARDS25519", KeyUsage="KEY_AGREEMENT"), "ValidationException")


def test_audit_records_hold_no_secret(server):
    kms = server.client()
    key_id = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]["KeyId"]
    derived = kms.derive_shared_secret(KeyId=key_id, KeyAgreementAlgorithm="ECDH", PublicKey=spki(ec.generate_private_key(ec.SECP256R1()).public_key()))
    exported = server.admin("audit", "export").stdout
    record = [r for r in json.loads(exported)["Records"] if r["requestID"] == derived["ResponseMetadata"]["RequestId"]][0]
    assert record["requestParameters"] == {"keyId": key_id, "keyAgreementAlgorithm": "ECDH"}
    for form in (derived["SharedSecret"], b64(derived["SharedSecret"]).encode(), derived["SharedSecret"].hex().encode()):
        assert form not in exported.encode()
