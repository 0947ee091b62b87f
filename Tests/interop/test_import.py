"""Import of key material (BYOK, Origin EXTERNAL): GetParametersForImport,
ImportKeyMaterial and DeleteImportedKeyMaterial, the material wrapped by Python
`cryptography` and by `openssl` exactly as the AWS developer guide tells users
to, and checked through what only that material can produce (the public key,
HMACs, signatures)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, padding, rsa
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding

from conftest import assert_client_error, aws_json, b64

OAEP_HASHES = {"SHA_1": hashes.SHA1, "SHA_256": hashes.SHA256}


def external_key(kms, spec: str = "SYMMETRIC_DEFAULT", usage: str = "ENCRYPT_DECRYPT") -> str:
    metadata = kms.create_key(KeySpec=spec, KeyUsage=usage, Origin="EXTERNAL")["KeyMetadata"]
    assert metadata["Origin"] == "EXTERNAL" and metadata["KeyState"] == "PendingImport" and metadata["Enabled"] is False
    return metadata["KeyId"]


def wrap(public_der: bytes, algorithm: str, material: bytes) -> bytes:
    """As the AWS developer guide: RSAES-OAEP of the material, or RSA_AES_KEY_WRAP
    (an ephemeral AES-256 key under RSAES-OAEP, then the material under RFC 5649's key wrap)."""
    public_key = serialization.load_der_public_key(public_der)
    hash_type = OAEP_HASHES[algorithm[-5:] if algorithm.endswith("SHA_1") else algorithm[-7:]]
    oaep = padding.OAEP(mgf=padding.MGF1(hash_type()), algorithm=hash_type(), label=None)
    if algorithm.startswith("RSAES_OAEP"):
        return public_key.encrypt(material, oaep)
    aes_key = os.urandom(32)
    return public_key.encrypt(aes_key, oaep) + aes_key_wrap_with_padding(aes_key, material)


def import_material(kms, key_id: str, material: bytes, algorithm: str = "RSAES_OAEP_SHA_256", spec: str = "RSA_2048", **kw) -> dict:
    params = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec=spec)
    kw.setdefault("ExpirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    return kms.import_key_material(
        KeyId=key_id, ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrap(params["PublicKey"], algorithm, material), **kw
    )


def pkcs8(private_key) -> bytes:
    return private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"])
def test_symmetric_material_round_trips(kms, algorithm):
    key_id = external_key(kms)
    assert "CurrentKeyMaterialId" not in kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert_client_error(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"p"), "KMSInvalidStateException")
    params = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec="RSA_3072")
    assert serialization.load_der_public_key(params["PublicKey"]).key_size == 3072
    valid_for = params["ParametersValidTo"] - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(hours=23, minutes=58) < valid_for <= dt.timedelta(hours=24)
    material = os.urandom(32)
    imported = kms.import_key_material(
        KeyId=key_id, ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrap(params["PublicKey"], algorithm, material),
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE", KeyMaterialDescription="from the HSM in rack 4",
    )
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert metadata["KeyState"] == "Enabled" and metadata["ExpirationModel"] == "KEY_MATERIAL_DOES_NOT_EXPIRE"
    assert metadata["CurrentKeyMaterialId"] == imported["KeyMaterialId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"under imported material")["CiphertextBlob"]
    decrypted = kms.decrypt(CiphertextBlob=blob)
    assert decrypted["Plaintext"] == b"under imported material" and decrypted["KeyMaterialId"] == imported["KeyMaterialId"]
    # The same material imports again (EXISTING_KEY_MATERIAL is the default once material was imported); other material does not.
    assert import_material(kms, key_id, material)["KeyMaterialId"] == imported["KeyMaterialId"]
    assert_client_error(lambda: import_material(kms, key_id, os.urandom(32)), "IncorrectKeyMaterialException")


def test_hmac_material_is_the_material_imported(kms):
    key_id = external_key(kms, "HMAC_256", "GENERATE_VERIFY_MAC")
    material = os.urandom(32)
    import_material(kms, key_id, material, algorithm="RSA_AES_KEY_WRAP_SHA_1", spec="RSA_2048")
    mac = kms.generate_mac(KeyId=key_id, Message=b"mac me", MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert mac == hmac.new(material, b"mac me", hashlib.sha256).digest()


def test_asymmetric_material_wrapped_by_openssl_as_the_aws_guide_shows(kms, tmp_path):
    openssl = shutil.which("openssl")
    assert openssl, "openssl not found"
    key_id = external_key(kms, "ECC_NIST_P256", "SIGN_VERIFY")
    private_key = ec.generate_private_key(ec.SECP256R1())
    params = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256", WrappingKeySpec="RSA_4096")
    (tmp_path / "WrappingPublicKey.bin").write_bytes(params["PublicKey"])
    (tmp_path / "PrivateKey.der").write_bytes(pkcs8(private_key))

    def run(*args: str) -> None:
        cp = subprocess.run([openssl, *args], cwd=tmp_path, capture_output=True, text=True, timeout=30)
        assert cp.returncode == 0, cp.stderr

    run("rand", "-out", "aes-key.bin", "32")
    aes_hex = (tmp_path / "aes-key.bin").read_bytes().hex()
    run("enc", "-id-aes256-wrap-pad", "-K", aes_hex, "-iv", "A65959A6", "-in", "PrivateKey.der", "-out", "key-material-wrapped.bin")
    run(
        "pkeyutl", "-encrypt", "-in", "aes-key.bin", "-out", "aes-key-wrapped.bin", "-inkey", "WrappingPublicKey.bin", "-keyform", "DER",
        "-pubin", "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256",
    )
    encrypted = (tmp_path / "aes-key-wrapped.bin").read_bytes() + (tmp_path / "key-material-wrapped.bin").read_bytes()
    kms.import_key_material(
        KeyId=key_id, ImportToken=params["ImportToken"], EncryptedKeyMaterial=encrypted, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE"
    )
    assert kms.get_public_key(KeyId=key_id)["PublicKey"] == spki(private_key.public_key())
    signature = kms.sign(KeyId=key_id, Message=b"signed by imported key", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    private_key.public_key().verify(signature, b"signed by imported key", ec.ECDSA(hashes.SHA256()))


@pytest.mark.parametrize(
    "spec,usage,make",
    [
        ("RSA_2048", "SIGN_VERIFY", lambda: rsa.generate_private_key(65537, 2048)),
        ("RSA_3072", "ENCRYPT_DECRYPT", lambda: rsa.generate_private_key(65537, 3072)),
        ("ECC_NIST_P384", "KEY_AGREEMENT", lambda: ec.generate_private_key(ec.SECP384R1())),
        ("ECC_NIST_P521", "SIGN_VERIFY", lambda: ec.generate_private_key(ec.SECP521R1())),
        ("ECC_SECG_P256K1", "SIGN_VERIFY", lambda: ec.generate_private_key(ec.SECP256K1())),
        ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY", ed25519.Ed25519PrivateKey.generate),
        ("ML_DSA_65", "SIGN_VERIFY", mldsa.MLDSA65PrivateKey.generate),
    ],
)
def test_every_asymmetric_family_imports(kms, spec, usage, make):
    key_id = external_key(kms, spec, usage)
    private_key = make()
    import_material(kms, key_id, pkcs8(private_key), algorithm="RSA_AES_KEY_WRAP_SHA_256", spec="RSA_4096")
    assert kms.get_public_key(KeyId=key_id)["PublicKey"] == spki(private_key.public_key())
    if usage == "ENCRYPT_DECRYPT":
        oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
        sealed = private_key.public_key().encrypt(b"to the imported key", oaep)
        decrypted = kms.decrypt(KeyId=key_id, CiphertextBlob=sealed, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
        assert decrypted["Plaintext"] == b"to the imported key"
    elif usage == "KEY_AGREEMENT":
        peer = ec.generate_private_key(ec.SECP384R1())
        derived = kms.derive_shared_secret(KeyId=key_id, KeyAgreementAlgorithm="ECDH", PublicKey=spki(peer.public_key()))
        assert derived["SharedSecret"] == private_key.exchange(ec.ECDH(), peer.public_key())
    else:
        algorithm = kms.describe_key(KeyId=key_id)["KeyMetadata"]["SigningAlgorithms"][0]
        signature = kms.sign(KeyId=key_id, Message=b"m", SigningAlgorithm=algorithm)["Signature"]
        assert kms.verify(KeyId=key_id, Message=b"m", Signature=signature, SigningAlgorithm=algorithm)["SignatureValid"]
    other = pkcs8(make())
    assert_client_error(lambda: import_material(kms, key_id, other, algorithm="RSA_AES_KEY_WRAP_SHA_256"), "IncorrectKeyMaterialException")


def test_delete_and_reimport_brings_old_ciphertexts_back(kms):
    key_id = external_key(kms)
    material = os.urandom(32)
    material_id = import_material(kms, key_id, material)["KeyMaterialId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"kept across deletion")["CiphertextBlob"]
    deleted = kms.delete_imported_key_material(KeyId=key_id)
    assert deleted["KeyMaterialId"] == material_id
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=blob), "KMSInvalidStateException")
    assert_client_error(lambda: kms.enable_key(KeyId=key_id), "KMSInvalidStateException")
    assert kms.delete_imported_key_material(KeyId=key_id)["KeyMaterialId"] == material_id
    assert_client_error(lambda: import_material(kms, key_id, os.urandom(32)), "IncorrectKeyMaterialException")
    import_material(kms, key_id, material)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept across deletion"


def test_new_material_rotates_on_demand_and_every_ciphertext_still_decrypts(kms):
    key_id = external_key(kms)
    first = os.urandom(32)
    first_id = import_material(kms, key_id, first)["KeyMaterialId"]
    assert_client_error(lambda: kms.rotate_key_on_demand(KeyId=key_id), "KMSInvalidStateException")
    assert_client_error(lambda: kms.enable_key_rotation(KeyId=key_id), "UnsupportedOperationException")
    blobs = [kms.encrypt(KeyId=key_id, Plaintext=b"before any rotation")["CiphertextBlob"]]
    material_ids = [first_id]
    for round_number in range(3):
        assert_client_error(
            lambda: import_material(kms, key_id, first, ImportType="NEW_KEY_MATERIAL"), "IncorrectKeyMaterialException"
        )
        pending_id = import_material(kms, key_id, os.urandom(32), ImportType="NEW_KEY_MATERIAL", KeyMaterialDescription=f"round {round_number}")["KeyMaterialId"]
        entries = {e["KeyMaterialId"]: e for e in kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]}
        assert entries[pending_id]["KeyMaterialState"] == "PENDING_ROTATION" and entries[pending_id]["ImportState"] == "IMPORTED"
        assert entries[pending_id]["KeyMaterialDescription"] == f"round {round_number}"
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"] == material_ids[-1]
        kms.rotate_key_on_demand(KeyId=key_id)
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"] == pending_id
        material_ids.append(pending_id)
        blobs.append(kms.encrypt(KeyId=key_id, Plaintext=f"after rotation {round_number}".encode())["CiphertextBlob"])
    for blob, material_id in zip(blobs, material_ids):
        assert kms.decrypt(CiphertextBlob=blob)["KeyMaterialId"] == material_id
    rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert [r["KeyMaterialId"] for r in rotations] == material_ids[1:] and all(r["RotationType"] == "ON_DEMAND" for r in rotations)
    # Deleting old material makes only its own ciphertexts undecryptable.
    kms.delete_imported_key_material(KeyId=key_id, KeyMaterialId=first_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=blobs[0]), "KMSInvalidStateException")
    assert kms.decrypt(CiphertextBlob=blobs[-1])["Plaintext"] == b"after rotation 2"
    import_material(kms, key_id, first, ImportType="EXISTING_KEY_MATERIAL", KeyMaterialId=first_id)
    assert kms.decrypt(CiphertextBlob=blobs[0])["Plaintext"] == b"before any rotation"


def test_tokens_are_bound_to_their_key_and_their_algorithm(kms):
    key_id, other_id = external_key(kms), external_key(kms)
    params = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    encrypted = wrap(params["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(32))
    common = {"EncryptedKeyMaterial": encrypted, "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}
    assert_client_error(lambda: kms.import_key_material(KeyId=other_id, ImportToken=params["ImportToken"], **common), "InvalidImportTokenException")
    token = bytearray(params["ImportToken"])
    token[len(token) // 2] ^= 1
    assert_client_error(lambda: kms.import_key_material(KeyId=key_id, ImportToken=bytes(token), **common), "InvalidImportTokenException")
    # Material wrapped with another algorithm than the token's does not unwrap.
    wrong = wrap(params["PublicKey"], "RSAES_OAEP_SHA_1", os.urandom(32))
    assert_client_error(
        lambda: kms.import_key_material(KeyId=key_id, ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrong, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE"),
        "InvalidCiphertextException",
    )
    short = wrap(params["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(16))
    assert_client_error(
        lambda: kms.import_key_material(KeyId=key_id, ImportToken=params["ImportToken"], EncryptedKeyMaterial=short, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE"),
        "IncorrectKeyMaterialException",
    )
    assert kms.import_key_material(KeyId=key_id, ImportToken=params["ImportToken"], **common)["KeyMaterialId"]


def test_the_errors_aws_gives(kms, key):
    key_id = external_key(kms)
    assert_client_error(
        lambda: kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"),
        "UnsupportedOperationException",
    )
    assert_client_error(lambda: kms.delete_imported_key_material(KeyId=key["KeyId"]), "UnsupportedOperationException")
    assert_client_error(
        lambda: kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSAES_PKCS1_V1_5", WrappingKeySpec="RSA_2048"),
        "UnsupportedOperationException",
    )
    assert_client_error(
        lambda: kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_1024"), "ValidationException"
    )
    params = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    encrypted = wrap(params["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(32))

    def attempt(**kw):
        return kms.import_key_material(KeyId=key_id, ImportToken=params["ImportToken"], EncryptedKeyMaterial=encrypted, **kw)

    # KEY_MATERIAL_EXPIRES is the default and needs a ValidTo; at most 365 days ahead, and in the future.
    assert_client_error(lambda: attempt(), "ValidationException")
    now = dt.datetime.now(dt.timezone.utc)
    assert_client_error(lambda: attempt(ValidTo=now + dt.timedelta(days=366)), "ValidationException")
    assert_client_error(lambda: attempt(ValidTo=now - dt.timedelta(minutes=1)), "ValidationException")
    assert_client_error(lambda: attempt(ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE", ValidTo=now + dt.timedelta(days=1)), "ValidationException")
    assert_client_error(lambda: attempt(ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE", ImportType="NEW_KEY_MATERIAL", KeyMaterialId="a" * 64), "ValidationException")
    assert_client_error(lambda: attempt(ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE", KeyMaterialDescription="semicolon;"), "ValidationException")
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert_client_error(lambda: attempt(ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE"), "KMSInvalidStateException")
    kms.cancel_key_deletion(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"


def test_expired_material_is_deleted_by_the_service(new_server):
    srv = new_server(extra_args=("--deletion-sweep-seconds", "1"))
    kms = srv.client()
    key_id = external_key(kms)
    valid_to = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=3)
    import_material(kms, key_id, os.urandom(32), ExpirationModel="KEY_MATERIAL_EXPIRES", ValidTo=valid_to)
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert metadata["KeyState"] == "Enabled" and metadata["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
    assert abs((metadata["ValidTo"] - valid_to).total_seconds()) < 1
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"until it expires")["CiphertextBlob"]
    deadline = time.monotonic() + 15
    while kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] != "PendingImport":
        assert time.monotonic() < deadline, "the expired material was not deleted"
        time.sleep(0.5)
    assert_client_error(lambda: kms.decrypt(CiphertextBlob=blob), "KMSInvalidStateException")
    records = json.loads(srv.admin("audit", "export").stdout)["Records"]
    expiry = [r for r in records if r["eventName"] == "DeleteExpiredKeyMaterial"]
    assert len(expiry) == 1 and expiry[0]["resources"][0]["ARN"].endswith(key_id)
    assert expiry[0]["userIdentity"]["invokedBy"] == "kms.amazonaws.com"
    entry = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"][0]
    assert entry["ImportState"] == "PENDING_IMPORT" and entry["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"


def test_aws_cli_imports_and_the_audit_keeps_no_secret(server, aws_cli_env, tmp_path):
    kms = server.client()
    key_id = external_key(kms)
    params = aws_json(
        aws_cli_env, "kms", "get-parameters-for-import", "--key-id", key_id, "--wrapping-algorithm", "RSAES_OAEP_SHA_256",
        "--wrapping-key-spec", "RSA_2048",
    )
    material = os.urandom(32)
    encrypted = wrap(base64.b64decode(params["PublicKey"]), "RSAES_OAEP_SHA_256", material)
    (tmp_path / "token").write_bytes(base64.b64decode(params["ImportToken"]))
    (tmp_path / "material").write_bytes(encrypted)
    imported = aws_json(
        aws_cli_env, "kms", "import-key-material", "--key-id", key_id, "--import-token", f"fileb://{tmp_path / 'token'}",
        "--encrypted-key-material", f"fileb://{tmp_path / 'material'}", "--expiration-model", "KEY_MATERIAL_DOES_NOT_EXPIRE",
    )
    assert len(imported["KeyMaterialId"]) == 64
    deleted = aws_json(aws_cli_env, "kms", "delete-imported-key-material", "--key-id", key_id)
    assert deleted["KeyMaterialId"] == imported["KeyMaterialId"]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
    exported = server.admin("audit", "export").stdout
    records = [r for r in json.loads(exported)["Records"] if (r.get("requestParameters") or {}).get("keyId") == key_id]
    assert {r["eventName"] for r in records} >= {"GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial"}
    token = base64.b64decode(params["ImportToken"])
    for secret in (material, encrypted, token):
        for form in (secret, b64(secret).encode(), secret.hex().encode()):
            assert form not in exported.encode(), "the audit trail holds key material or an import token"
