"""Generates ciphertext-format.json with Python `cryptography`, an implementation
independent of Trent's, so the Swift tests pin the blob format byte for byte.

Run from this folder: python3 make_ciphertext_format.py > ciphertext-format.json
"""
import json
import struct
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand


def canonical_context(context):
    out = struct.pack(">I", len(context))
    for key, value in sorted(((k.encode(), v.encode()) for k, v in context.items())):
        out += struct.pack(">I", len(key)) + key + struct.pack(">I", len(value)) + value
    return out


def blob(material, key_id, version, salt, nonce, plaintext, context):
    header = bytes([1]) + uuid.UUID(key_id).bytes + struct.pack(">I", version) + salt + nonce
    message_key = HKDFExpand(hashes.SHA256(), 32, b"trent/ciphertext/v1/aes-256-gcm" + salt).derive(material)
    return header + AESGCM(message_key).encrypt(nonce, plaintext, header + canonical_context(context))


cases = []
for name, version, plaintext, context in [
    ("empty-context", 1, b"hello", {}),
    ("context-order", 7, bytes(range(256)) * 4, {"b": "2", "a": "1", "purpose": "test \u00e9"}),
    ("one-byte", 4294967295, b"\x00", {"k": ""}),
]:
    material = bytes(range(32))
    key_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    salt = bytes(range(100, 116))
    nonce = bytes(range(200, 212))
    cases.append({
        "name": name,
        "material": material.hex(),
        "keyId": key_id,
        "keyVersion": version,
        "salt": salt.hex(),
        "nonce": nonce.hex(),
        "plaintext": plaintext.hex(),
        "context": context,
        "blob": blob(material, key_id, version, salt, nonce, plaintext, context).hex(),
    })
print(json.dumps(cases, indent=2))
