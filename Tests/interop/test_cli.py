"""AWS CLI (`aws kms ...`) against Trent, via AWS_ENDPOINT_URL_KMS and
--endpoint-url."""

import base64
import os
import uuid

from conftest import aws, aws_json


def test_cli_create_encrypt_decrypt(aws_cli_env, tmp_path):
    md = aws_json(aws_cli_env, "kms", "create-key", "--description", "cli key")["KeyMetadata"]
    assert md["KeyState"] == "Enabled"
    assert md["Description"] == "cli key"

    pt = os.urandom(200) + b"cli plaintext"
    pt_file = tmp_path / "pt.bin"
    pt_file.write_bytes(pt)
    enc = aws_json(
        aws_cli_env,
        "kms",
        "encrypt",
        "--key-id",
        md["KeyId"],
        "--plaintext",
        f"fileb://{pt_file}",
        "--encryption-context",
        "app=cli,purpose=interop",
    )
    assert enc["KeyId"] == md["Arn"]
    ct_file = tmp_path / "ct.bin"
    ct_file.write_bytes(base64.b64decode(enc["CiphertextBlob"]))

    out = aws(
        aws_cli_env,
        "kms",
        "decrypt",
        "--ciphertext-blob",
        f"fileb://{ct_file}",
        "--encryption-context",
        "purpose=interop,app=cli",
        "--output",
        "text",
        "--query",
        "Plaintext",
    ).stdout
    assert base64.b64decode(out.strip()) == pt

    dec = aws_json(
        aws_cli_env,
        "kms",
        "decrypt",
        "--ciphertext-blob",
        f"fileb://{ct_file}",
        "--key-id",
        md["Arn"],
        "--encryption-context",
        "app=cli,purpose=interop",
    )
    assert dec["KeyId"] == md["Arn"]
    assert base64.b64decode(dec["Plaintext"]) == pt

    # Wrong context -> non-zero exit, error named on stderr.
    bad = aws(
        aws_cli_env,
        "kms",
        "decrypt",
        "--ciphertext-blob",
        f"fileb://{ct_file}",
        check=False,
    )
    assert bad.returncode != 0
    assert b"InvalidCiphertextException" in bad.stderr


def test_cli_list_keys_and_aliases(aws_cli_env):
    key_id = aws_json(aws_cli_env, "kms", "create-key")["KeyMetadata"]["KeyId"]
    alias = f"alias/cli-{uuid.uuid4().hex[:8]}"
    aws(aws_cli_env, "kms", "create-alias", "--alias-name", alias, "--target-key-id", key_id)
    # The CLI auto-paginates; use a small page size to exercise Marker.
    keys = aws_json(aws_cli_env, "kms", "list-keys", "--page-size", "2")["Keys"]
    assert key_id in {k["KeyId"] for k in keys}
    aliases = aws_json(aws_cli_env, "kms", "list-aliases", "--key-id", key_id)["Aliases"]
    assert [a["AliasName"] for a in aliases] == [alias]
    md = aws_json(aws_cli_env, "kms", "describe-key", "--key-id", alias)["KeyMetadata"]
    assert md["KeyId"] == key_id


def test_cli_not_found_exit_code(aws_cli_env):
    cp = aws(aws_cli_env, "kms", "describe-key", "--key-id", str(uuid.uuid4()), check=False)
    assert cp.returncode != 0
    assert b"NotFoundException" in cp.stderr, cp.stderr


def test_cli_endpoint_url_flag(aws_cli_env, server):
    env = dict(aws_cli_env)
    env.pop("AWS_ENDPOINT_URL_KMS")
    out = aws_json(
        env, "--endpoint-url", server.endpoint, "kms", "generate-random", "--number-of-bytes", "32"
    )
    assert len(base64.b64decode(out["Plaintext"])) == 32
    key = aws_json(env, "--endpoint-url", server.endpoint, "kms", "create-key")["KeyMetadata"]
    dk = aws_json(
        env,
        "--endpoint-url",
        server.endpoint,
        "kms",
        "generate-data-key",
        "--key-id",
        key["Arn"],
        "--key-spec",
        "AES_256",
    )
    assert len(base64.b64decode(dk["Plaintext"])) == 32


def test_cli_key_lifecycle(aws_cli_env):
    key_id = aws_json(aws_cli_env, "kms", "create-key")["KeyMetadata"]["KeyId"]
    aws(aws_cli_env, "kms", "disable-key", "--key-id", key_id)
    r = aws_json(
        aws_cli_env, "kms", "schedule-key-deletion", "--key-id", key_id, "--pending-window-in-days", "7"
    )
    assert r["KeyState"] == "PendingDeletion"
    aws(aws_cli_env, "kms", "cancel-key-deletion", "--key-id", key_id)
    md = aws_json(aws_cli_env, "kms", "describe-key", "--key-id", key_id)["KeyMetadata"]
    assert md["KeyState"] == "Disabled"
    aws(aws_cli_env, "kms", "enable-key", "--key-id", key_id)
    md = aws_json(aws_cli_env, "kms", "describe-key", "--key-id", key_id)["KeyMetadata"]
    assert md["KeyState"] == "Enabled"


def test_cli_unsupported_operation_error(aws_cli_env):
    key_id = aws_json(aws_cli_env, "kms", "create-key")["KeyMetadata"]["KeyId"]
    cp = aws(aws_cli_env, "kms", "get-public-key", "--key-id", key_id, check=False)
    assert cp.returncode != 0
    assert b"UnsupportedOperationException" in cp.stderr, cp.stderr
