"""Encrypt / Decrypt / ReEncrypt / GenerateDataKey* / GenerateRandom,
ciphertext integrity and key-material secrecy."""

import base64
import os
import uuid

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import assert_client_error


# --- Encrypt / Decrypt -----------------------------------------------------


def test_encrypt_decrypt_roundtrip(kms, key):
    pt = os.urandom(100)
    enc = kms.encrypt(KeyId=key["KeyId"], Plaintext=pt)
    assert enc["KeyId"] == key["Arn"]
    assert enc.get("EncryptionAlgorithm", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
    ct = enc["CiphertextBlob"]
    assert pt not in ct
    assert len(ct) > len(pt) + 16  # at least room for an IV/tag/key reference
    dec = kms.decrypt(CiphertextBlob=ct)
    assert dec["Plaintext"] == pt
    assert dec["KeyId"] == key["Arn"]
    assert dec.get("EncryptionAlgorithm", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"


def test_encrypt_by_arn_and_decrypt_with_keyid_forms(kms, key):
    ct = kms.encrypt(KeyId=key["Arn"], Plaintext=b"x")["CiphertextBlob"]
    for ident in (key["KeyId"], key["Arn"]):
        dec = kms.decrypt(CiphertextBlob=ct, KeyId=ident)
        assert dec["Plaintext"] == b"x"
        assert dec["KeyId"] == key["Arn"]


def test_encrypt_is_randomized(kms, key_id):
    a = kms.encrypt(KeyId=key_id, Plaintext=b"same")["CiphertextBlob"]
    b = kms.encrypt(KeyId=key_id, Plaintext=b"same")["CiphertextBlob"]
    assert a != b


@pytest.mark.parametrize("size", [1, 4096])
def test_encrypt_size_limits_ok(kms, key_id, size):
    pt = os.urandom(size)
    ct = kms.encrypt(KeyId=key_id, Plaintext=pt)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=ct)["Plaintext"] == pt


@pytest.mark.parametrize("size", [0, 4097])
def test_encrypt_size_limits_bad(kms, key_id, size):
    assert_client_error(
        lambda: kms.encrypt(KeyId=key_id, Plaintext=b"a" * size), "ValidationException"
    )


def test_encrypt_unknown_key(kms):
    assert_client_error(
        lambda: kms.encrypt(KeyId=str(uuid.uuid4()), Plaintext=b"x"), "NotFoundException"
    )


def test_encrypt_missing_keyid(kms):
    assert_client_error(
        lambda: kms.encrypt(Plaintext=b"x"), "ValidationException", "SerializationException"
    )


def test_encryption_context(kms, key_id):
    ctx = {"purpose": "interop", "tenant": "t-1", "ünï": "cødé"}
    ct = kms.encrypt(KeyId=key_id, Plaintext=b"ctx", EncryptionContext=ctx)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=ct, EncryptionContext=ctx)["Plaintext"] == b"ctx"
    # Key order must not matter.
    reordered = dict(reversed(list(ctx.items())))
    assert list(reordered) != list(ctx)
    assert kms.decrypt(CiphertextBlob=ct, EncryptionContext=reordered)["Plaintext"] == b"ctx"
    # Missing, different value, extra pair, missing pair -> InvalidCiphertext
    bad_contexts = [
        None,
        {},
        {**ctx, "tenant": "t-2"},
        {**ctx, "extra": "1"},
        {k: v for k, v in ctx.items() if k != "purpose"},
        {"purpose": "interop", "tenant": "t-1", "uni": "cødé"},
    ]
    for bad in bad_contexts:
        kw = {} if bad is None else {"EncryptionContext": bad}
        assert_client_error(
            lambda: kms.decrypt(CiphertextBlob=ct, **kw), "InvalidCiphertextException"
        )


def test_context_given_on_decrypt_only(kms, key_id):
    ct = kms.encrypt(KeyId=key_id, Plaintext=b"noctx")["CiphertextBlob"]
    assert_client_error(
        lambda: kms.decrypt(CiphertextBlob=ct, EncryptionContext={"a": "b"}),
        "InvalidCiphertextException",
    )


def test_context_ambiguity(kms, key_id):
    """A context must be canonicalized unambiguously: {"a": "b=c"} vs {"a=b": "c"}."""
    ct = kms.encrypt(KeyId=key_id, Plaintext=b"amb", EncryptionContext={"ab": "c"})["CiphertextBlob"]
    assert_client_error(
        lambda: kms.decrypt(CiphertextBlob=ct, EncryptionContext={"a": "bc"}),
        "InvalidCiphertextException",
    )


def test_decrypt_incorrect_key(kms, key):
    other = kms.create_key()["KeyMetadata"]
    ct = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"mine")["CiphertextBlob"]
    for ident in (other["KeyId"], other["Arn"]):
        assert_client_error(
            lambda: kms.decrypt(CiphertextBlob=ct, KeyId=ident), "IncorrectKeyException"
        )


def test_decrypt_garbage(kms):
    for blob in (b"hello world", os.urandom(64), os.urandom(300), b"\x00" * 200):
        assert_client_error(lambda: kms.decrypt(CiphertextBlob=blob), "InvalidCiphertextException")


def test_decrypt_empty_ciphertext(kms):
    assert_client_error(
        lambda: kms.decrypt(CiphertextBlob=b""),
        "ValidationException",
        "InvalidCiphertextException",
    )


def test_ciphertext_integrity_every_byte(kms, key_id):
    """Flip every byte (xor 0x01) and truncate at several lengths: all must be
    rejected with InvalidCiphertextException."""
    ctx = {"k": "v"}
    pt = b"integrity check payload"
    ct = kms.encrypt(KeyId=key_id, Plaintext=pt, EncryptionContext=ctx)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=ct, EncryptionContext=ctx)["Plaintext"] == pt

    failures = []

    def check(blob, label):
        try:
            r = kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)
        except Exception as e:  # noqa: BLE001
            code = getattr(e, "response", {}).get("Error", {}).get("Code")
            status = getattr(e, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code != "InvalidCiphertextException" or not status or status >= 500:
                failures.append(f"{label}: {code} HTTP {status} {e}")
        else:
            failures.append(f"{label}: decrypt SUCCEEDED -> {r.get('Plaintext')!r}")

    for i in range(len(ct)):
        mutated = bytearray(ct)
        mutated[i] ^= 0x01
        check(bytes(mutated), f"flip byte {i}/{len(ct)}")

    cuts = sorted({1, 2, 4, 8, 16, 17, 32, len(ct) // 2, len(ct) - 17, len(ct) - 16, len(ct) - 1})
    for n in cuts:
        if 0 < n < len(ct):
            check(ct[:n], f"truncate to {n}")
    check(ct + b"\x00", "append byte")

    assert not failures, f"{len(failures)} tampered ciphertexts not rejected:\n" + "\n".join(
        failures[:40]
    )


# --- ReEncrypt --------------------------------------------------------------


def test_reencrypt(kms, key):
    dst = kms.create_key()["KeyMetadata"]
    src_ctx = {"stage": "src"}
    dst_ctx = {"stage": "dst"}
    ct = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"move me", EncryptionContext=src_ctx)[
        "CiphertextBlob"
    ]
    r = kms.re_encrypt(
        CiphertextBlob=ct,
        SourceEncryptionContext=src_ctx,
        DestinationKeyId=dst["KeyId"],
        DestinationEncryptionContext=dst_ctx,
    )
    assert r["SourceKeyId"] == key["Arn"]
    assert r["KeyId"] == dst["Arn"]
    assert r.get("SourceEncryptionAlgorithm", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
    assert r.get("DestinationEncryptionAlgorithm", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
    new_ct = r["CiphertextBlob"]
    dec = kms.decrypt(CiphertextBlob=new_ct, EncryptionContext=dst_ctx)
    assert dec["Plaintext"] == b"move me"
    assert dec["KeyId"] == dst["Arn"]
    assert_client_error(
        lambda: kms.decrypt(CiphertextBlob=new_ct, EncryptionContext=src_ctx),
        "InvalidCiphertextException",
    )
    assert_client_error(
        lambda: kms.decrypt(CiphertextBlob=new_ct, KeyId=key["KeyId"], EncryptionContext=dst_ctx),
        "IncorrectKeyException",
    )


def test_reencrypt_same_key_and_errors(kms, key):
    ct = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"same key")["CiphertextBlob"]
    r = kms.re_encrypt(CiphertextBlob=ct, DestinationKeyId=key["Arn"], SourceKeyId=key["KeyId"])
    assert r["CiphertextBlob"] != ct
    assert kms.decrypt(CiphertextBlob=r["CiphertextBlob"])["Plaintext"] == b"same key"
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    assert_client_error(
        lambda: kms.re_encrypt(CiphertextBlob=ct, SourceKeyId=other, DestinationKeyId=other),
        "IncorrectKeyException",
    )
    assert_client_error(
        lambda: kms.re_encrypt(CiphertextBlob=ct, DestinationKeyId=str(uuid.uuid4())),
        "NotFoundException",
    )
    assert_client_error(
        lambda: kms.re_encrypt(
            CiphertextBlob=ct, DestinationKeyId=other, SourceEncryptionContext={"x": "y"}
        ),
        "InvalidCiphertextException",
    )


# --- GenerateDataKey ----------------------------------------------------------


@pytest.mark.parametrize("spec,length", [("AES_128", 16), ("AES_256", 32)])
def test_generate_data_key_keyspec(kms, key, spec, length):
    ctx = {"dk": spec}
    r = kms.generate_data_key(KeyId=key["KeyId"], KeySpec=spec, EncryptionContext=ctx)
    assert r["KeyId"] == key["Arn"]
    assert len(r["Plaintext"]) == length
    dec = kms.decrypt(CiphertextBlob=r["CiphertextBlob"], EncryptionContext=ctx)
    assert dec["Plaintext"] == r["Plaintext"]
    assert dec["KeyId"] == key["Arn"]
    # The data key is a usable AES key (independent check with `cryptography`).
    nonce = os.urandom(12)
    box = AESGCM(r["Plaintext"]).encrypt(nonce, b"data", None)
    assert AESGCM(dec["Plaintext"]).decrypt(nonce, box, None) == b"data"


@pytest.mark.parametrize("n", [1, 17, 64, 1024])
def test_generate_data_key_number_of_bytes(kms, key_id, n):
    r = kms.generate_data_key(KeyId=key_id, NumberOfBytes=n)
    assert len(r["Plaintext"]) == n
    assert kms.decrypt(CiphertextBlob=r["CiphertextBlob"])["Plaintext"] == r["Plaintext"]


def test_generate_data_key_unique(kms, key_id):
    keys = {kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")["Plaintext"] for _ in range(5)}
    assert len(keys) == 5


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"KeySpec": "AES_256", "NumberOfBytes": 32},
        {"NumberOfBytes": 0},
        {"NumberOfBytes": 1025},
        {"KeySpec": "AES_512"},
    ],
    ids=["neither", "both", "zero", "too-many", "bad-spec"],
)
def test_generate_data_key_validation(kms, key_id, kwargs):
    assert_client_error(
        lambda: kms.generate_data_key(KeyId=key_id, **kwargs), "ValidationException"
    )


def test_generate_data_key_unknown_key(kms):
    assert_client_error(
        lambda: kms.generate_data_key(KeyId=str(uuid.uuid4()), KeySpec="AES_256"),
        "NotFoundException",
    )


@pytest.mark.parametrize("kwargs,length", [({"KeySpec": "AES_128"}, 16), ({"NumberOfBytes": 48}, 48)])
def test_generate_data_key_without_plaintext(kms, key, kwargs, length):
    r = kms.generate_data_key_without_plaintext(
        KeyId=key["KeyId"], EncryptionContext={"a": "b"}, **kwargs
    )
    assert "Plaintext" not in r
    assert r["KeyId"] == key["Arn"]
    dec = kms.decrypt(CiphertextBlob=r["CiphertextBlob"], EncryptionContext={"a": "b"})
    assert len(dec["Plaintext"]) == length


def test_generate_data_key_without_plaintext_validation(kms, key_id):
    assert_client_error(
        lambda: kms.generate_data_key_without_plaintext(KeyId=key_id), "ValidationException"
    )
    assert_client_error(
        lambda: kms.generate_data_key_without_plaintext(
            KeyId=key_id, KeySpec="AES_128", NumberOfBytes=16
        ),
        "ValidationException",
    )


# --- GenerateRandom ------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 16, 32, 1024])
def test_generate_random_lengths(kms, n):
    assert len(kms.generate_random(NumberOfBytes=n)["Plaintext"]) == n


def test_generate_random_differs_and_looks_random(kms):
    a = kms.generate_random(NumberOfBytes=1024)["Plaintext"]
    b = kms.generate_random(NumberOfBytes=1024)["Plaintext"]
    assert a != b
    # 1024 uniform bytes hit ~250 distinct values; a broken RNG (zeros,
    # counters, repeated blocks) would not.
    assert len(set(a)) > 200
    assert len({a[i : i + 16] for i in range(0, 1024, 16)}) == 64
    ones = sum(bin(x).count("1") for x in a)
    assert 3800 < ones < 4400, ones  # expected 4096, sd ~45


@pytest.mark.parametrize("n", [0, 1025, -1])
def test_generate_random_bounds(kms, n):
    assert_client_error(lambda: kms.generate_random(NumberOfBytes=n), "ValidationException")


# --- Secrecy of key material at rest ------------------------------------------


def _assert_not_in_data_dir(server, secret: bytes, label: str):
    forms = {
        "raw": secret,
        "base64": base64.b64encode(secret),
        "hex": secret.hex().encode(),
        "HEX": secret.hex().upper().encode(),
    }
    for fname, content in server.all_data_bytes().items():
        for form, needle in forms.items():
            assert needle not in content, f"{label} ({form}) found in data dir file {fname}"


def test_data_key_not_stored(server, kms, key_id):
    dk = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    # Do more writes so the WAL/DB have been touched after the data key existed.
    kms.create_key(Description="after data key")
    assert server.db_bytes(), "trent.sqlite not found in data dir"
    _assert_not_in_data_dir(server, dk["Plaintext"], "GenerateDataKey plaintext")


def test_encrypt_plaintext_not_stored(server, kms, key_id):
    marker = b"TRENT-PLAINTEXT-MARKER-" + uuid.uuid4().hex.encode()
    kms.encrypt(KeyId=key_id, Plaintext=marker)
    random_pt = os.urandom(48)
    kms.encrypt(KeyId=key_id, Plaintext=random_pt)
    kms.create_key(Description="after encrypt")
    _assert_not_in_data_dir(server, marker, "Encrypt plaintext marker")
    _assert_not_in_data_dir(server, random_pt, "Encrypt random plaintext")


def test_concurrent_encrypt_decrypt(server, key_id):
    """Many parallel Encrypt/Decrypt round trips over several connections."""
    from concurrent.futures import ThreadPoolExecutor

    clients = [server.client() for _ in range(8)]

    def work(i):
        c = clients[i % len(clients)]
        pt = os.urandom(1 + i % 200)
        ctx = {"i": str(i)}
        ct = c.encrypt(KeyId=key_id, Plaintext=pt, EncryptionContext=ctx)["CiphertextBlob"]
        return c.decrypt(CiphertextBlob=ct, EncryptionContext=ctx)["Plaintext"] == pt

    with ThreadPoolExecutor(16) as ex:
        results = list(ex.map(work, range(200)))
    assert all(results)
