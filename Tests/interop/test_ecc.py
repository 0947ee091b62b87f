"""Elliptic-curve signing keys (ECC_NIST_P256, P384, P521): CreateKey with
SIGN_VERIFY, GetPublicKey, Sign and Verify with RAW and DIGEST messages. Every
signature Trent makes is verified by Python `cryptography` and by `openssl`
with the public key GetPublicKey returns; AWS's errors; audit records without
messages or signatures."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from conftest import assert_client_error, aws_json, b64, openssl_verify

SPECS = {
    "ECC_NIST_P256": ("ECDSA_SHA_256", ec.SECP256R1, hashes.SHA256, hashlib.sha256, "-sha256"),
    "ECC_NIST_P384": ("ECDSA_SHA_384", ec.SECP384R1, hashes.SHA384, hashlib.sha384, "-sha384"),
    "ECC_NIST_P521": ("ECDSA_SHA_512", ec.SECP521R1, hashes.SHA512, hashlib.sha512, "-sha512"),
}


def signing_key(kms, spec: str) -> str:
    return kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]


@pytest.mark.parametrize("spec", sorted(SPECS))
def test_signatures_verify_with_an_independent_implementation(kms, spec):
    algorithm, curve, hash_type, hashlib_hash, _ = SPECS[spec]
    key_id = signing_key(kms, spec)
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert metadata["KeySpec"] == spec and metadata["KeyUsage"] == "SIGN_VERIFY"
    assert metadata["SigningAlgorithms"] == [algorithm] and "EncryptionAlgorithms" not in metadata

    published = kms.get_public_key(KeyId=key_id)
    assert published["KeySpec"] == spec and published["KeyUsage"] == "SIGN_VERIFY" and published["SigningAlgorithms"] == [algorithm]
    public_key = serialization.load_der_public_key(published["PublicKey"])
    assert isinstance(public_key.curve, curve)

    message = f"signed message {uuid.uuid4()}".encode()
    raw = kms.sign(KeyId=key_id, Message=message, SigningAlgorithm=algorithm)
    assert raw["SigningAlgorithm"] == algorithm and raw["KeyId"] == metadata["Arn"]
    public_key.verify(raw["Signature"], message, ec.ECDSA(hash_type()))

    digest = hashlib_hash(message).digest()
    prehashed = kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)
    public_key.verify(prehashed["Signature"], digest, ec.ECDSA(utils.Prehashed(hash_type())))
    # A signature of the digest is a signature of the message, whichever way it is checked.
    public_key.verify(prehashed["Signature"], message, ec.ECDSA(hash_type()))

    for signature in (raw["Signature"], prehashed["Signature"]):
        assert kms.verify(KeyId=key_id, Message=message, Signature=signature, SigningAlgorithm=algorithm)["SignatureValid"] is True
        assert kms.verify(
            KeyId=key_id, Message=digest, MessageType="DIGEST", Signature=signature, SigningAlgorithm=algorithm
        )["SignatureValid"] is True
    with pytest.raises(InvalidSignature):
        public_key.verify(raw["Signature"], message + b"!", ec.ECDSA(hash_type()))
    assert_client_error(
        lambda: kms.verify(KeyId=key_id, Message=message + b"!", Signature=raw["Signature"], SigningAlgorithm=algorithm),
        "KMSInvalidSignatureException",
    )
    # A valid signature by another key of the same curve does not verify.
    stranger = ec.generate_private_key(curve()).sign(message, ec.ECDSA(hash_type()))
    assert_client_error(
        lambda: kms.verify(KeyId=key_id, Message=message, Signature=stranger, SigningAlgorithm=algorithm), "KMSInvalidSignatureException"
    )
    assert_client_error(
        lambda: kms.verify(KeyId=key_id, Message=message, Signature=b"\x30\x00", SigningAlgorithm=algorithm), "KMSInvalidSignatureException"
    )


def test_openssl_verifies_a_signature(kms, tmp_path):
    key_id = signing_key(kms, "ECC_NIST_P384")
    public_key = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    signature = kms.sign(KeyId=key_id, Message=b"checked by openssl", SigningAlgorithm="ECDSA_SHA_384")["Signature"]
    cp = openssl_verify(
        tmp_path, public_key, b"checked by openssl", signature, "dgst", "-sha384", "-verify", "{key}", "-signature", "{signature}", "{message}"
    )
    assert cp.returncode == 0 and "Verified OK" in cp.stdout, cp


def test_aws_cli_sign_and_verify(kms, aws_cli_env, tmp_path):
    key_id = signing_key(kms, "ECC_NIST_P256")
    message = tmp_path / "message"
    message.write_bytes(b"signed through the CLI")
    signed = aws_json(aws_cli_env, "kms", "sign", "--key-id", key_id, "--message", f"fileb://{message}", "--signing-algorithm", "ECDSA_SHA_256")
    signature = tmp_path / "signature"
    import base64

    signature.write_bytes(base64.b64decode(signed["Signature"]))
    verified = aws_json(
        aws_cli_env, "kms", "verify", "--key-id", key_id, "--message", f"fileb://{message}",
        "--signature", f"fileb://{signature}", "--signing-algorithm", "ECDSA_SHA_256",
    )
    assert verified["SignatureValid"] is True


def test_the_errors_aws_gives(kms, key_id):
    p256 = signing_key(kms, "ECC_NIST_P256")
    assert_client_error(lambda: kms.sign(KeyId=p256, Message=b"m", SigningAlgorithm="ECDSA_SHA_384"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.sign(KeyId=p256, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.sign(KeyId=p256, Message=b"m", SigningAlgorithm="ECDSA_SHA_1"), "ValidationException")
    assert_client_error(
        lambda: kms.sign(KeyId=p256, Message=b"short", MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256"), "ValidationException"
    )
    assert_client_error(lambda: kms.encrypt(KeyId=p256, Plaintext=b"p"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="ECDSA_SHA_256"), "InvalidKeyUsageException")
    assert_client_error(lambda: kms.get_public_key(KeyId=key_id), "UnsupportedOperationException")
    assert_client_error(lambda: kms.enable_key_rotation(KeyId=p256), "UnsupportedOperationException")
    assert_client_error(lambda: kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="ENCRYPT_DECRYPT"), "ValidationException")
    assert_client_error(lambda: kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="GENERATE_VERIFY_MAC"), "ValidationException")
    kms.disable_key(KeyId=p256)
    assert_client_error(lambda: kms.get_public_key(KeyId=p256), "DisabledException")
    assert_client_error(lambda: kms.sign(KeyId=p256, Message=b"m", SigningAlgorithm="ECDSA_SHA_256"), "DisabledException")


def test_audit_records_hold_neither_message_nor_signature(server):
    kms = server.client()
    key_id = signing_key(kms, "ECC_NIST_P256")
    message = f"audited message {uuid.uuid4()}".encode()
    signed = kms.sign(KeyId=key_id, Message=message, SigningAlgorithm="ECDSA_SHA_256")
    kms.verify(KeyId=key_id, Message=message, Signature=signed["Signature"], SigningAlgorithm="ECDSA_SHA_256")
    exported = server.admin("audit", "export").stdout
    record = [r for r in json.loads(exported)["Records"] if r["requestID"] == signed["ResponseMetadata"]["RequestId"]][0]
    assert record["eventName"] == "Sign"
    assert record["requestParameters"] == {"keyId": key_id, "messageType": "RAW", "signingAlgorithm": "ECDSA_SHA_256"}
    for secret in (message, signed["Signature"]):
        for form in (secret, b64(secret).encode(), secret.hex().encode()):
            assert form not in exported.encode(), "the audit trail holds a message or signature"


def test_ed25519_signatures_verify_with_an_independent_implementation(kms, tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key_id = signing_key(kms, "ECC_NIST_EDWARDS25519")
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert metadata["SigningAlgorithms"] == ["ED25519_SHA_512", "ED25519_PH_SHA_512"]
    public_key = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    assert isinstance(public_key, ed25519.Ed25519PublicKey)
    message = f"edwards {uuid.uuid4()}".encode()
    signed = kms.sign(KeyId=key_id, Message=message, SigningAlgorithm="ED25519_SHA_512")
    assert len(signed["Signature"]) == 64
    public_key.verify(signed["Signature"], message)
    # EdDSA is deterministic.
    assert kms.sign(KeyId=key_id, Message=message, SigningAlgorithm="ED25519_SHA_512")["Signature"] == signed["Signature"]
    assert kms.verify(KeyId=key_id, Message=message, Signature=signed["Signature"], SigningAlgorithm="ED25519_SHA_512")["SignatureValid"]
    assert_client_error(
        lambda: kms.verify(KeyId=key_id, Message=message + b"!", Signature=signed["Signature"], SigningAlgorithm="ED25519_SHA_512"),
        "KMSInvalidSignatureException",
    )
    assert_client_error(
        lambda: kms.sign(KeyId=key_id, Message=b"d" * 64, MessageType="DIGEST", SigningAlgorithm="ED25519_SHA_512"), "ValidationException"
    )
    cp = openssl_verify(
        tmp_path, public_key, message, signed["Signature"], "pkeyutl", "-verify", "-pubin", "-inkey", "{key}", "-rawin", "-in", "{message}",
        "-sigfile", "{signature}",
    )
    assert cp.returncode == 0 and "Signature Verified Successfully" in cp.stdout, cp


def test_ed25519ph_signatures_verify_with_an_independent_implementation(kms):
    # Python cryptography has no Ed25519ph; PyCryptodome does (RFC 8032's HashEdDSA when given a hash object).
    from Crypto.Hash import SHA512
    from Crypto.PublicKey import ECC
    from Crypto.Signature import eddsa

    key_id = signing_key(kms, "ECC_NIST_EDWARDS25519")
    verifier = eddsa.new(ECC.import_key(kms.get_public_key(KeyId=key_id)["PublicKey"]), "rfc8032")
    digest = hashlib.sha512(f"prehashed {uuid.uuid4()}".encode()).digest()
    signed = kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm="ED25519_PH_SHA_512")
    assert len(signed["Signature"]) == 64 and signed["SigningAlgorithm"] == "ED25519_PH_SHA_512"
    # AWS: with DIGEST, KMS still applies Ed25519ph's own SHA-512 prehash, so the digest is hashed twice.
    verifier.verify(SHA512.new(digest), signed["Signature"])
    with pytest.raises(ValueError):
        verifier.verify(SHA512.new(digest[:-1] + b"!"), signed["Signature"])
    with pytest.raises(ValueError):
        verifier.verify(digest, signed["Signature"])  # as pure Ed25519 of the digest: a different signature
    assert kms.verify(
        KeyId=key_id, Message=digest, MessageType="DIGEST", Signature=signed["Signature"], SigningAlgorithm="ED25519_PH_SHA_512"
    )["SignatureValid"]
    tampered = signed["Signature"][:-1] + bytes([signed["Signature"][-1] ^ 1])
    assert_client_error(
        lambda: kms.verify(KeyId=key_id, Message=digest, MessageType="DIGEST", Signature=tampered, SigningAlgorithm="ED25519_PH_SHA_512"),
        "KMSInvalidSignatureException",
    )
    pure = kms.sign(KeyId=key_id, Message=digest, SigningAlgorithm="ED25519_SHA_512")["Signature"]
    assert_client_error(
        lambda: kms.verify(KeyId=key_id, Message=digest, MessageType="DIGEST", Signature=pure, SigningAlgorithm="ED25519_PH_SHA_512"),
        "KMSInvalidSignatureException",
    )
    assert_client_error(lambda: kms.sign(KeyId=key_id, Message=digest, SigningAlgorithm="ED25519_PH_SHA_512"), "ValidationException")
    assert_client_error(
        lambda: kms.sign(KeyId=key_id, Message=digest[:32], MessageType="DIGEST", SigningAlgorithm="ED25519_PH_SHA_512"),
        "ValidationException",
    )


def test_secp256k1_signatures_are_low_s_and_verify_independently(kms, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

    order = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    key_id = signing_key(kms, "ECC_SECG_P256K1")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["SigningAlgorithms"] == ["ECDSA_SHA_256"]
    public_key = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    assert isinstance(public_key.curve, ec.SECP256K1)
    message = f"bitcoin-style {uuid.uuid4()}".encode()
    for signed in (
        kms.sign(KeyId=key_id, Message=message, SigningAlgorithm="ECDSA_SHA_256"),
        kms.sign(KeyId=key_id, Message=hashlib.sha256(message).digest(), MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256"),
    ):
        public_key.verify(signed["Signature"], message, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(signed["Signature"])
        assert s <= order // 2, "not low-S"
        # The same signature with high S is valid too, and Verify accepts it.
        high = encode_dss_signature(r, order - s)
        public_key.verify(high, message, ec.ECDSA(hashes.SHA256()))
        assert kms.verify(KeyId=key_id, Message=message, Signature=high, SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"]
    assert_client_error(
        lambda: kms.verify(KeyId=key_id, Message=message + b"!", Signature=signed["Signature"], SigningAlgorithm="ECDSA_SHA_256"),
        "KMSInvalidSignatureException",
    )
    cp = openssl_verify(
        tmp_path, public_key, message, signed["Signature"], "dgst", "-sha256", "-verify", "{key}", "-signature", "{signature}", "{message}"
    )
    assert cp.returncode == 0 and "Verified OK" in cp.stdout, cp
