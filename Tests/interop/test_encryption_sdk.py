"""AWS Encryption SDK CLI (`aws-encryption-cli`) using a Trent key as the
wrapping key via AWS_ENDPOINT_URL_KMS."""

import base64
import json
import os
import shutil
import subprocess

import pytest


def esdk_cli() -> str:
    exe = shutil.which("aws-encryption-cli")
    if exe is None:
        pytest.fail(
            "aws-encryption-cli not found; install it with `pip install aws-encryption-sdk-cli`",
            pytrace=False,
        )
    return exe


def run(env, *args):
    cp = subprocess.run([esdk_cli(), *args], env=env, capture_output=True, text=True, timeout=180)
    assert cp.returncode == 0, (
        f"aws-encryption-cli {' '.join(args)} -> exit {cp.returncode}\n"
        f"stdout: {cp.stdout}\nstderr: {cp.stderr}"
    )
    return cp


@pytest.fixture
def plaintext_file(tmp_path):
    p = tmp_path / "plain.bin"
    p.write_bytes(os.urandom(10_000) + b"encryption sdk interop\n" * 100)
    return p


def test_esdk_encrypt_decrypt_with_key_arn(aws_cli_env, kms, plaintext_file, tmp_path):
    arn = kms.create_key(Description="esdk")["KeyMetadata"]["Arn"]
    enc = tmp_path / "plain.bin.encrypted"
    dec = tmp_path / "plain.bin.decrypted"
    meta = tmp_path / "metadata.json"
    run(
        aws_cli_env,
        "--encrypt",
        "--input", str(plaintext_file),
        "--output", str(enc),
        "--wrapping-keys", f"key={arn}",
        "--encryption-context", "purpose=trent-interop",
        "--commitment-policy", "require-encrypt-require-decrypt",
        "--metadata-output", str(meta),
    )
    assert enc.exists() and enc.stat().st_size > plaintext_file.stat().st_size
    assert plaintext_file.read_bytes()[:64] not in enc.read_bytes()
    record = json.loads(meta.read_text().splitlines()[0])
    assert record["mode"] == "encrypt"
    edks = record["header"]["encrypted_data_keys"]
    # The metadata record base64-encodes provider id / key info.
    infos = [base64.b64decode(e["key_provider"]["key_info"]).decode() for e in edks]
    assert arn in infos, infos

    run(
        aws_cli_env,
        "--decrypt",
        "--input", str(enc),
        "--output", str(dec),
        "--wrapping-keys", f"key={arn}",
        "--encryption-context", "purpose=trent-interop",
        "--commitment-policy", "require-encrypt-require-decrypt",
        "-S",
    )
    assert dec.read_bytes() == plaintext_file.read_bytes()


def test_esdk_decrypt_with_discovery(aws_cli_env, kms, plaintext_file, tmp_path):
    md = kms.create_key(Description="esdk discovery")["KeyMetadata"]
    enc = tmp_path / "d.encrypted"
    dec = tmp_path / "d.decrypted"
    run(
        aws_cli_env,
        "-e",
        "-i", str(plaintext_file),
        "-o", str(enc),
        "-w", f"key={md['Arn']}",
        "--commitment-policy", "require-encrypt-require-decrypt",
        "-S",
    )
    run(
        aws_cli_env,
        "-d",
        "-i", str(enc),
        "-o", str(dec),
        "-w", "discovery=true", "discovery-partition=aws", f"discovery-account={md['AWSAccountId']}",
        "--commitment-policy", "require-encrypt-require-decrypt",
        "-S",
    )
    assert dec.read_bytes() == plaintext_file.read_bytes()


def test_esdk_unsigned_algorithm_and_alias(aws_cli_env, kms, plaintext_file, tmp_path):
    """Non-signing algorithm suite, key referenced by alias ARN on encrypt."""
    md = kms.create_key(Description="esdk alias")["KeyMetadata"]
    alias = "alias/esdk-" + os.urandom(4).hex()
    kms.create_alias(AliasName=alias, TargetKeyId=md["KeyId"])
    alias_arn = md["Arn"].split(":key/")[0] + ":" + alias
    enc = tmp_path / "u.encrypted"
    dec = tmp_path / "u.decrypted"
    run(
        aws_cli_env,
        "-e",
        "-i", str(plaintext_file),
        "-o", str(enc),
        "-w", f"key={alias_arn}",
        "--algorithm", "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
        "--frame-length", "1024",
        "-S",
    )
    run(
        aws_cli_env,
        "--decrypt-unsigned",
        "-i", str(enc),
        "-o", str(dec),
        "-w", f"key={md['Arn']}",
        "-S",
    )
    assert dec.read_bytes() == plaintext_file.read_bytes()
