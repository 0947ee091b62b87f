"""First-run and operability checks from the production issue: the version,
setting validation before anything is written, admin commands that refuse to
create a data directory, a private data directory, random request IDs."""

from __future__ import annotations

import os
import re
import stat
import subprocess

from conftest import clean_env, raw_call, trent_binary

BODY = {"NumberOfBytes": 8}


def run(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(trent_binary()), *args], capture_output=True, text=True, timeout=60, env=env or clean_env())


def test_version():
    cp = run("--version")
    assert cp.returncode == 0 and re.fullmatch(r"\d+\.\d+\.\d+\S*", cp.stdout.strip()), cp


def test_serve_validates_settings_before_writing_anything(tmp_path):
    data = tmp_path / "data"
    for args, complaint in (
        (["--listen", "127.0.0.1:70000"], "out of range"),
        (["--listen", "127.0.0.1:-1"], "out of range"),
        (["--log-level", "loud"], "not a level"),
    ):
        cp = run("serve", "--data", str(data), *args)
        assert cp.returncode != 0 and complaint in cp.stderr, (args, cp)
        assert not data.exists(), f"{args} left {data} behind"


def test_admin_commands_refuse_to_create_a_data_directory(tmp_path):
    data = tmp_path / "mistyped"
    for args in (["user", "list"], ["user", "create", "alice"], ["audit", "verify"], ["audit", "prune", "--before", "2026-01-01"]):
        cp = run(*args, "--data", str(data))
        assert cp.returncode != 0 and "no Trent data directory at" in cp.stderr, (args, cp)
        assert not data.exists(), f"{args} created {data}"


def test_an_existing_data_directory_is_made_private(new_server, tmp_path):
    data = tmp_path / "shared"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    srv = new_server(data_dir=data)
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    srv.stop()


def test_request_ids_are_random(server):
    ids = [raw_call(server.endpoint, "GenerateRandom", BODY).headers["x-amzn-requestid"] for _ in range(20)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i) for i in ids), ids
    # A counter, or a fixed per-process half, would share a prefix or a tail between consecutive IDs.
    assert len({i[:8] for i in ids}) > 15 and len({i[-8:] for i in ids}) > 15, ids


def test_one_json_log_line_per_request_without_secrets(new_server):
    import base64
    import json as jsonlib

    srv = new_server(extra_args=("--log-format", "json"))
    kms = srv.client()
    key = kms.create_key()["KeyMetadata"]
    plaintext = b"log lines must never carry this plaintext"
    encrypted = kms.encrypt(KeyId=key["KeyId"], Plaintext=plaintext, EncryptionContext={"purpose": "logs"})
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    denied = raw_call(srv.endpoint, "DescribeKey", {"KeyId": key["KeyId"]}, secret="wrong-secret-0123456789")
    srv.stop()

    lines = [l for l in srv.log_path.read_text().splitlines() if l.startswith("{")]
    records = [jsonlib.loads(l) for l in lines]
    assert any(r.get("message") == "Trent starting" and r.get("version") and r.get("root-access-key-id") for r in records), lines[:5]
    assert any(r.get("message") == "Trent stopped" for r in records)
    by_id = {r["request-id"]: r for r in records if r.get("message") == "request"}
    encrypt = by_id[encrypted["ResponseMetadata"]["RequestId"]]
    assert encrypt["operation"] == "Encrypt" and encrypt["outcome"] == "OK" and encrypt["api"] == "kms", encrypt
    assert encrypt["keys"] == key["Arn"] and encrypt["caller"].endswith(":root") and float(encrypt["duration-ms"]) >= 0, encrypt
    failed = by_id[denied.headers["x-amzn-requestid"]]
    assert failed["outcome"] == "InvalidSignatureException" and failed["status"] == "400", failed
    assert failed["caller"] == srv.credentials()[0], failed

    text = srv.log_path.read_bytes()
    for secret in (plaintext, data_key["Plaintext"], encrypted["CiphertextBlob"], srv.credentials()[1].encode()):
        assert secret not in text
        assert base64.b64encode(secret) not in text


def test_ready_turns_503_while_the_store_cannot_be_written(new_server):
    import json as jsonlib
    import sqlite3
    import urllib.error
    import urllib.request

    srv = new_server()

    def ready() -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(srv.endpoint + "/ready", timeout=10) as r:
                return r.status, jsonlib.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, jsonlib.loads(e.read())

    assert ready() == (200, {"ready": True})
    # Another process holding the database's write lock: the server cannot commit, so it is not ready.
    holder = sqlite3.connect(srv.data_dir / "trent.sqlite", timeout=1, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        status, body = ready()
        assert status == 503 and body["ready"] is False and "store cannot be written" in body["reason"], body
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert ready() == (200, {"ready": True})
    assert srv.stop() == 0
