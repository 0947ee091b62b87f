"""Generates key-wrapping.json with Python `cryptography`, an implementation
independent of Trent's: key versions wrapped under a root key in each wrapping
format, so the Swift tests pin the AAD byte for byte, including the key spec
that format 2 binds.

Run from this folder: python3 make_key_wrapping.py > key-wrapping.json
"""
import json
import struct
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ROOT_KEY = bytes(range(32, 64))
KEY_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
MATERIAL = bytes(range(32))
NONCE = bytes(range(12))


def aad(fmt, spec, key_id, version):
    if fmt == 1:
        prefix = b"trent/key-version/v1"
    else:
        name = spec.encode()
        prefix = b"trent/key-version/v2" + bytes([len(name)]) + name
    return prefix + uuid.UUID(key_id).bytes + struct.pack(">I", version)


def wrap(fmt, spec, version):
    return NONCE + AESGCM(ROOT_KEY).encrypt(NONCE, MATERIAL, aad(fmt, spec, KEY_ID, version))


cases = [
    # (name, wrapped with format, as spec, opens as format, as spec, expected to open)
    ("v1 symmetric, as the first release wrote it", 1, "SYMMETRIC_DEFAULT", 1, "SYMMETRIC_DEFAULT", True),
    ("v2 symmetric", 2, "SYMMETRIC_DEFAULT", 2, "SYMMETRIC_DEFAULT", True),
    ("v2 wrapped for another key spec", 2, "HMAC_256", 2, "SYMMETRIC_DEFAULT", False),
    ("v1 bytes read as v2", 1, "SYMMETRIC_DEFAULT", 2, "SYMMETRIC_DEFAULT", False),
    ("v2 bytes read as v1", 2, "SYMMETRIC_DEFAULT", 1, "SYMMETRIC_DEFAULT", False),
]
out = []
for name, fmt, spec, open_fmt, open_spec, opens in cases:
    out.append({
        "name": name,
        "rootKey": ROOT_KEY.hex(),
        "keyId": KEY_ID,
        "version": 7,
        "wrapped": wrap(fmt, spec, 7).hex(),
        "format": open_fmt,
        "spec": open_spec,
        "material": MATERIAL.hex() if opens else None,
    })
print(json.dumps(out, indent=2))
