"""RSA signing keys (RSA_2048, RSA_3072, RSA_4096 with SIGN_VERIFY): every
signing algorithm AWS offers for them, each signature verified by Python
`cryptography` and `openssl` with the key GetPublicKey returns."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils

from conftest import assert_client_error, openssl_verify

HASHES = {"SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384, "SHA_512": hashes.SHA512}
ALGORITHMS = [f"{scheme}_{h}" for scheme in ("RSASSA_PSS", "RSASSA_PKCS1_V1_5") for h in HASHES]


def independent_padding(algorithm: str, hash_type):
    if algorithm.startswith("RSASSA_PSS"):
        # AWS KMS: MGF1 with the same hash, and a salt as long as the hash.
        return padding.PSS(mgf=padding.MGF1(hash_type()), salt_length=padding.PSS.DIGEST_LENGTH)
    return padding.PKCS1v15()


@pytest.fixture(scope="module")
def rsa_2048(kms):
    return kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_verifies_independently(kms, rsa_2048, algorithm):
    key_id = rsa_2048["KeyId"]
    assert rsa_2048["SigningAlgorithms"] == ALGORITHMS and "EncryptionAlgorithms" not in rsa_2048
    public_key = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    assert public_key.key_size == 2048
    hash_type = HASHES[algorithm[-7:]]
    message = f"rsa message {uuid.uuid4()}".encode()
    signed = kms.sign(KeyId=key_id, Message=message, SigningAlgorithm=algorithm)
    assert len(signed["Signature"]) == 256 and signed["SigningAlgorithm"] == algorithm
    public_key.verify(signed["Signature"], message, independent_padding(algorithm, hash_type), hash_type())
    with pytest.raises(InvalidSignature):
        public_key.verify(signed["Signature"], message + b"!", independent_padding(algorithm, hash_type), hash_type())
    assert kms.verify(KeyId=key_id, Message=message, Signature=signed["Signature"], SigningAlgorithm=algorithm)["SignatureValid"] is True
    assert_client_error(
        lambda: kms.verify(KeyId=key_id, Message=message + b"!", Signature=signed["Signature"], SigningAlgorithm=algorithm),
        "KMSInvalidSignatureException",
    )


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_digests_sign_as_their_messages_would(kms, rsa_2048, algorithm):
    key_id = rsa_2048["KeyId"]
    public_key = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    hash_type = HASHES[algorithm[-7:]]
    message = f"rsa digest {uuid.uuid4()}".encode()
    hasher = hashes.Hash(hash_type())
    hasher.update(message)
    digest = hasher.finalize()
    signed = kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)
    public_key.verify(signed["Signature"], digest, independent_padding(algorithm, hash_type), utils.Prehashed(hash_type()))
    public_key.verify(signed["Signature"], message, independent_padding(algorithm, hash_type), hash_type())
    with pytest.raises(InvalidSignature):
        public_key.verify(signed["Signature"], message + b"!", independent_padding(algorithm, hash_type), hash_type())
    assert kms.verify(
        KeyId=key_id, Message=digest, MessageType="DIGEST", Signature=signed["Signature"], SigningAlgorithm=algorithm
    )["SignatureValid"]
    # A signature of the digest is the signature of the message: Verify with the message (RAW) accepts it too.
    assert kms.verify(KeyId=key_id, Message=message, Signature=signed["Signature"], SigningAlgorithm=algorithm)["SignatureValid"]
    raw = kms.sign(KeyId=key_id, Message=message, SigningAlgorithm=algorithm)["Signature"]
    assert kms.verify(KeyId=key_id, Message=digest, MessageType="DIGEST", Signature=raw, SigningAlgorithm=algorithm)["SignatureValid"]
    other = bytes([digest[0] ^ 1]) + digest[1:]
    assert_client_error(
        lambda: kms.verify(KeyId=key_id, Message=other, MessageType="DIGEST", Signature=signed["Signature"], SigningAlgorithm=algorithm),
        "KMSInvalidSignatureException",
    )


def test_openssl_verifies_a_digest_signature(kms, rsa_2048, tmp_path):
    public_key = serialization.load_der_public_key(kms.get_public_key(KeyId=rsa_2048["KeyId"])["PublicKey"])
    digest = hashlib.sha384(b"a digest checked by openssl").digest()
    signature = kms.sign(KeyId=rsa_2048["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_384")
    cp = openssl_verify(
        tmp_path, public_key, digest, signature["Signature"], "pkeyutl", "-verify", "-pubin", "-inkey", "{key}", "-pkeyopt",
        "digest:sha384", "-in", "{message}", "-sigfile", "{signature}",
    )
    assert cp.returncode == 0 and "Signature Verified Successfully" in cp.stdout, cp


@pytest.mark.parametrize("spec,bits", [("RSA_3072", 3072), ("RSA_4096", 4096)])
def test_larger_keys(kms, spec, bits):
    metadata = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    public_key = serialization.load_der_public_key(kms.get_public_key(KeyId=metadata["KeyId"])["PublicKey"])
    assert public_key.key_size == bits
    signed = kms.sign(KeyId=metadata["KeyId"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_512")
    public_key.verify(signed["Signature"], b"m", independent_padding("RSASSA_PSS_SHA_512", hashes.SHA512), hashes.SHA512())


def test_openssl_verifies_a_pss_signature(kms, rsa_2048, tmp_path):
    public_key = serialization.load_der_public_key(kms.get_public_key(KeyId=rsa_2048["KeyId"])["PublicKey"])
    signature = kms.sign(KeyId=rsa_2048["KeyId"], Message=b"checked by openssl", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
    cp = openssl_verify(
        tmp_path, public_key, b"checked by openssl", signature, "dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss",
        "-sigopt", "rsa_pss_saltlen:-1", "-verify", "{key}", "-signature", "{signature}", "{message}",
    )
    assert cp.returncode == 0 and "Verified OK" in cp.stdout, cp


def test_the_errors(kms, rsa_2048):
    key_id = rsa_2048["KeyId"]
    assert_client_error(lambda: kms.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="ECDSA_SHA_256"), "InvalidKeyUsageException")
    assert_client_error(
        lambda: kms.sign(KeyId=key_id, Message=b"d" * 48, MessageType="DIGEST", SigningAlgorithm="RSASSA_PSS_SHA_256"),
        "ValidationException",
    )
    assert_client_error(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"p"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.create_key(KeySpec="RSA_2048", KeyUsage="GENERATE_VERIFY_MAC"), "ValidationException")
