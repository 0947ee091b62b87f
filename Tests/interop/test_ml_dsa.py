"""ML-DSA keys (ML_DSA_65 and ML_DSA_87, which swift-crypto implements):
ML_DSA_SHAKE_256 signatures over whole messages, verified by Python
`cryptography`'s ML-DSA with the key GetPublicKey returns. ML_DSA_44 and
EXTERNAL_MU answer UnsupportedOperationException."""

from __future__ import annotations

import uuid

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import mldsa

from conftest import assert_client_error

SIZES = {"ML_DSA_65": 3309, "ML_DSA_87": 4627}


@pytest.mark.parametrize("spec", sorted(SIZES))
def test_signatures_verify_independently(kms, spec):
    key_id = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["SigningAlgorithms"] == ["ML_DSA_SHAKE_256"]
    public_key = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    message = f"post-quantum {uuid.uuid4()}".encode()
    signed = kms.sign(KeyId=key_id, Message=message, SigningAlgorithm="ML_DSA_SHAKE_256")
    assert len(signed["Signature"]) == SIZES[spec]
    public_key.verify(signed["Signature"], message)
    with pytest.raises(InvalidSignature):
        public_key.verify(signed["Signature"], message + b"!")
    assert kms.verify(KeyId=key_id, Message=message, Signature=signed["Signature"], SigningAlgorithm="ML_DSA_SHAKE_256")["SignatureValid"]
    tampered = bytes([signed["Signature"][0] ^ 1]) + signed["Signature"][1:]
    assert_client_error(
        lambda: kms.verify(KeyId=key_id, Message=message, Signature=tampered, SigningAlgorithm="ML_DSA_SHAKE_256"),
        "KMSInvalidSignatureException",
    )
    assert_client_error(
        lambda: kms.sign(KeyId=key_id, Message=b"m" * 64, MessageType="EXTERNAL_MU", SigningAlgorithm="ML_DSA_SHAKE_256"),
        "UnsupportedOperationException",
    )
    assert_client_error(
        lambda: kms.sign(KeyId=key_id, Message=b"m" * 64, MessageType="DIGEST", SigningAlgorithm="ML_DSA_SHAKE_256"), "ValidationException"
    )
    assert_client_error(lambda: kms.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="ECDSA_SHA_256"), "InvalidKeyUsageException")


def test_ml_dsa_44_is_not_supported(kms):
    assert_client_error(lambda: kms.create_key(KeySpec="ML_DSA_44", KeyUsage="SIGN_VERIFY"), "UnsupportedOperationException")
