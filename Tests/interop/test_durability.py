"""Durability and data-dir configuration: SIGKILL right after writes, graceful
restarts, root-key sources, account id persistence."""

import base64
import os
import uuid

import pytest

from conftest import ACCOUNT_ID, assert_client_error


def test_kill9_after_create_and_encrypt(new_server):
    srv = new_server()
    kms = srv.client()
    md = kms.create_key(Description="durable")["KeyMetadata"]
    ct = kms.encrypt(KeyId=md["KeyId"], Plaintext=b"survive SIGKILL", EncryptionContext={"d": "1"})[
        "CiphertextBlob"
    ]
    srv.kill9()  # immediately after the responses returned
    assert not srv.is_running()
    srv.start()
    kms = srv.client()
    got = kms.describe_key(KeyId=md["KeyId"])["KeyMetadata"]
    assert got["Arn"] == md["Arn"]
    assert got["Description"] == "durable"
    assert got["KeyState"] == "Enabled"
    dec = kms.decrypt(CiphertextBlob=ct, EncryptionContext={"d": "1"})
    assert dec["Plaintext"] == b"survive SIGKILL"
    assert dec["KeyId"] == md["Arn"]


def test_kill9_right_after_create_key_only(new_server):
    """SIGKILL directly after CreateKey (no later request that could flush)."""
    srv = new_server()
    md = srv.client().create_key()["KeyMetadata"]
    srv.kill9()
    srv.start()
    kms = srv.client()
    assert kms.describe_key(KeyId=md["KeyId"])["KeyMetadata"]["KeyId"] == md["KeyId"]
    ct = kms.encrypt(KeyId=md["KeyId"], Plaintext=b"after restart")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=ct)["Plaintext"] == b"after restart"


def test_kill9_preserves_state_changes_aliases_and_users(new_server):
    srv = new_server()
    kms = srv.client()
    a = kms.create_key()["KeyMetadata"]["KeyId"]
    b = kms.create_key()["KeyMetadata"]["KeyId"]
    c = kms.create_key()["KeyMetadata"]["KeyId"]
    alias = f"alias/durable-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=a)
    kms.update_key_description(KeyId=a, Description="changed")
    kms.disable_key(KeyId=b)
    kms.schedule_key_deletion(KeyId=c, PendingWindowInDays=9)
    user = srv.admin_json("user", "create", "durable-user")
    srv.allow_all_kms("durable-user")
    srv.kill9()
    srv.start()
    kms = srv.client()
    md = kms.describe_key(KeyId=alias)["KeyMetadata"]
    assert md["KeyId"] == a and md["Description"] == "changed"
    assert kms.describe_key(KeyId=b)["KeyMetadata"]["KeyState"] == "Disabled"
    mc = kms.describe_key(KeyId=c)["KeyMetadata"]
    assert mc["KeyState"] == "PendingDeletion" and "DeletionDate" in mc
    ids = {k["KeyId"] for p in kms.get_paginator("list_keys").paginate() for k in p["Keys"]}
    assert {a, b, c} <= ids
    u = srv.client(user["AccessKeyId"], user["SecretAccessKey"])
    assert u.describe_key(KeyId=a)["KeyMetadata"]["KeyId"] == a


def test_graceful_restart_and_account_id_persists(new_server):
    srv = new_server(account_id="444455556666")
    kms = srv.client()
    md = kms.create_key()["KeyMetadata"]
    assert ":444455556666:" in md["Arn"]
    ct = kms.encrypt(KeyId=md["KeyId"], Plaintext=b"graceful")["CiphertextBlob"]
    code = srv.stop()
    assert code == 0, f"graceful shutdown exit code {code}\n{srv.log_tail()}"
    # A different TRENT_ACCOUNT_ID on a later start must not change the account.
    srv.env["TRENT_ACCOUNT_ID"] = "777788889999"
    srv.start()
    kms = srv.client()
    assert kms.describe_key(KeyId=md["KeyId"])["KeyMetadata"]["Arn"] == md["Arn"]
    assert ":444455556666:" in kms.create_key()["KeyMetadata"]["Arn"]
    assert kms.decrypt(CiphertextBlob=ct)["Plaintext"] == b"graceful"


def test_root_key_from_env(new_server):
    root = os.urandom(32)
    srv = new_server(extra_env={"TRENT_ROOT_KEY": base64.b64encode(root).decode()})
    kms = srv.client()
    md = kms.create_key()["KeyMetadata"]
    ct = kms.encrypt(KeyId=md["KeyId"], Plaintext=b"env root key")["CiphertextBlob"]
    assert not (srv.data_dir / "root.key").exists(), "root.key written although TRENT_ROOT_KEY was given"
    for content in srv.all_data_bytes().values():
        assert root not in content
        assert base64.b64encode(root) not in content
    srv.kill9()
    srv.start()
    assert srv.client().decrypt(CiphertextBlob=ct)["Plaintext"] == b"env root key"


def test_root_key_file_option(new_server, tmp_path):
    key_file = tmp_path / "external-root.key"
    key_file.write_bytes(os.urandom(32))
    key_file.chmod(0o600)
    srv = new_server(extra_args=("--root-key-file", str(key_file)))
    kms = srv.client()
    md = kms.create_key()["KeyMetadata"]
    ct = kms.encrypt(KeyId=md["KeyId"], Plaintext=b"file root key")["CiphertextBlob"]
    assert not (srv.data_dir / "root.key").exists()
    srv.restart()
    assert srv.client().decrypt(CiphertextBlob=ct)["Plaintext"] == b"file root key"


def test_ciphertext_not_portable_between_servers(new_server):
    """Ciphertext from one Trent (different root key/account) must not decrypt
    on another one."""
    a = new_server()
    b = new_server()
    ka = a.client()
    key = ka.create_key()["KeyMetadata"]["KeyId"]
    ct = ka.encrypt(KeyId=key, Plaintext=b"a only")["CiphertextBlob"]
    assert_client_error(
        lambda: b.client().decrypt(CiphertextBlob=ct),
        "InvalidCiphertextException",
        "NotFoundException",
    )


def test_account_id_default_is_used(server, kms):
    assert kms.create_key()["KeyMetadata"]["AWSAccountId"] == ACCOUNT_ID


def test_kill9_under_write_load(new_server):
    """SIGKILL while clients are creating keys and encrypting: every request
    that got a successful response before the kill must be durable."""
    import threading

    srv = new_server()
    clients = [srv.client() for _ in range(4)]
    done = []  # (key_id, ciphertext, plaintext)
    lock = threading.Lock()
    stop = threading.Event()

    def worker(c, n):
        i = 0
        while not stop.is_set():
            try:
                kid = c.create_key(Description=f"load-{n}-{i}")["KeyMetadata"]["KeyId"]
                pt = f"{n}-{i}".encode()
                ct = c.encrypt(KeyId=kid, Plaintext=pt)["CiphertextBlob"]
            except Exception:  # noqa: BLE001 - server killed mid-request
                return
            with lock:
                done.append((kid, ct, pt))
            i += 1

    threads = [threading.Thread(target=worker, args=(c, n)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    import time

    time.sleep(1.5)
    srv.kill9()
    stop.set()
    for t in threads:
        t.join(timeout=60)
    # Every entry got both responses, i.e. before the process died.
    with lock:
        snapshot = list(done)
    assert len(snapshot) >= 4, "server made almost no progress under load"
    srv.start()
    kms = srv.client()
    for kid, ct, pt in snapshot:
        assert kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"] == "Enabled"
        assert kms.decrypt(CiphertextBlob=ct)["Plaintext"] == pt


def test_wrong_root_key_refuses_to_start(new_server):
    """A data directory only opens with the root key it was created with, so a
    mistyped key fails loudly instead of leaving every key undecryptable."""
    right_key = base64.b64encode(os.urandom(32)).decode()
    srv = new_server(extra_env={"TRENT_ROOT_KEY": right_key})
    key_id = srv.client().create_key()["KeyMetadata"]["KeyId"]
    srv.stop()
    srv.env["TRENT_ROOT_KEY"] = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(RuntimeError, match="root key does not match"):
        srv.start()
    # Nothing was changed by the failed start: the right key still opens it.
    srv.env["TRENT_ROOT_KEY"] = right_key
    srv.start()
    assert srv.client().describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"


def test_second_server_on_same_data_dir_is_refused(new_server):
    """One server owns an embedded data directory; a second one exits at
    once and leaves the first one and its keys untouched."""
    first = new_server()
    kms = first.client()
    key_id = kms.create_key(Description="owned by the first server")["KeyMetadata"]["KeyId"]
    ciphertext = kms.encrypt(KeyId=key_id, Plaintext=b"still mine")["CiphertextBlob"]
    second = new_server(start=False, data_dir=first.data_dir)
    with pytest.raises(RuntimeError, match="Another Trent server is already using"):
        second.start()
    assert not second.is_running()
    assert first.is_running()
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (metadata["KeyState"], metadata["Description"]) == ("Enabled", "owned by the first server")
    assert kms.decrypt(CiphertextBlob=ciphertext)["Plaintext"] == b"still mine"


def test_admin_command_without_the_external_root_key_fails_cleanly(new_server):
    """A directory created with TRENT_ROOT_KEY must not get a fresh root.key
    from a command run without it."""
    srv = new_server(extra_env={"TRENT_ROOT_KEY": base64.b64encode(os.urandom(32)).decode()})
    key_id = srv.client().create_key()["KeyMetadata"]["KeyId"]
    files_before = set(srv.all_data_bytes(include_log=False))
    env_without_key = {k: v for k, v in srv.env.items() if k != "TRENT_ROOT_KEY"}
    saved, srv.env = srv.env, env_without_key
    cp = srv.admin("user", "list", check=False)
    srv.env = saved
    assert cp.returncode != 0
    assert "TRENT_ROOT_KEY" in cp.stderr + cp.stdout
    assert not (srv.data_dir / "root.key").exists()
    assert set(srv.all_data_bytes(include_log=False)) == files_before, "the failed command left files behind"
    # The directory still opens with the key it was made with.
    srv.restart()
    assert srv.client().describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
