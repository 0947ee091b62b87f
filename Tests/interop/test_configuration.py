"""Configuration (a YAML file, TRENT_* environment variables and flags, in
rising precedence), a start that cannot listen writing nothing, and graceful
shutdown: requests in flight finish, and a deadline bounds the wait."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.request

from conftest import (
    ROOT_ACCESS_KEY_ID,
    ROOT_SECRET_ACCESS_KEY,
    clean_env,
    free_port,
    make_kms_client,
    sign_request,
    trent_binary,
)

ROOT = {"TRENT_ROOT_ACCESS_KEY_ID": ROOT_ACCESS_KEY_ID, "TRENT_ROOT_SECRET_ACCESS_KEY": ROOT_SECRET_ACCESS_KEY}


def start(args, env, log):
    return subprocess.Popen([str(trent_binary()), "serve", *args], env=clean_env({**ROOT, **env}), stdout=log, stderr=subprocess.STDOUT)


def wait_for_health(port: int, proc, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"trent exited with {proc.returncode}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered on {port}")


def serves_on(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_file_then_environment_then_flag(tmp_path):
    file_port, env_port, flag_port = free_port(), free_port(), free_port()
    data = tmp_path / "data"
    config = tmp_path / "trent.yaml"
    config.write_text(
        f"# every setting of trent serve may be given here\n"
        f"listen: 127.0.0.1:{file_port}\ndata: {data}\nlog-format: json\nregion: eu-west-1\nrate-limit-principal: 1000\n"
    )
    log_path = tmp_path / "log"
    with open(log_path, "wb") as log:
        # The file alone.
        proc = start(["--config", str(config)], {}, log)
        try:
            wait_for_health(file_port, proc)
            kms = make_kms_client(f"http://127.0.0.1:{file_port}", ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, "eu-west-1")
            assert kms.create_key()["KeyMetadata"]["Arn"].startswith("arn:aws:kms:eu-west-1:")
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        assert (data / "trent.sqlite").exists()
        lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
        assert any(line.get("message") == "Trent starting" for line in lines), "log-format from the file was not used"
        # The environment over the file.
        proc = start(["--config", str(config)], {"TRENT_LISTEN": f"127.0.0.1:{env_port}", "TRENT_LOG_FORMAT": "text"}, log)
        try:
            wait_for_health(env_port, proc)
            assert not serves_on(file_port)
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        # A flag over both.
        proc = start(["--config", str(config), "--listen", f"127.0.0.1:{flag_port}"], {"TRENT_LISTEN": f"127.0.0.1:{env_port}"}, log)
        try:
            wait_for_health(flag_port, proc)
            assert not serves_on(env_port) and not serves_on(file_port)
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0


def run_serve(args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(trent_binary()), "serve", *args], capture_output=True, text=True, timeout=60, env=clean_env({**ROOT, **(env or {})})
    )


def test_bad_settings_from_any_source_are_refused_before_anything_is_written(tmp_path):
    data = tmp_path / "data"
    misspelt = tmp_path / "misspelt.yaml"
    misspelt.write_text("listn: 127.0.0.1:4599\n")
    not_a_mapping = tmp_path / "list.yaml"
    not_a_mapping.write_text("- listen\n")
    cases = [
        (["--config", str(misspelt)], {}, "listn is not a setting"),
        (["--config", str(not_a_mapping)], {}, "must be a mapping"),
        (["--config", str(tmp_path / "missing.yaml")], {}, "cannot be read"),
        ([], {"TRENT_MAX_CONNECTIONS": "many"}, "TRENT_MAX_CONNECTIONS = many"),
        ([], {"TRENT_LOG_LEVEL": "loud"}, "log-level loud is not a level"),
        ([], {"TRENT_INSECURE_HTTP": "perhaps"}, "TRENT_INSECURE_HTTP = perhaps"),
        (["--idle-timeout-seconds", "0"], {}, "--idle-timeout-seconds = 0"),
    ]
    for args, env, complaint in cases:
        cp = run_serve(["--data", str(data), *args], env)
        assert cp.returncode != 0 and complaint in cp.stderr, (args, env, cp.stderr)
        assert not data.exists(), f"{args} {env} left {data} behind"


def test_a_port_in_use_is_refused_before_anything_is_written(tmp_path):
    data = tmp_path / "data"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for args in (["--listen", f"127.0.0.1:{port}"], ["--listen", f"127.0.0.1:{free_port()}", "--metrics-listen", f"127.0.0.1:{port}"]):
            cp = run_serve(["--data", str(data), *args])
            assert cp.returncode != 0 and f"cannot listen on 127.0.0.1:{port}" in cp.stderr, cp.stderr
            assert not data.exists(), f"{args} left {data} behind"


def half_sent_request(port: int, body: dict) -> tuple[socket.socket, bytes]:
    """A signed Encrypt whose headers and half its body are sent; returns the rest."""
    request = sign_request(f"http://127.0.0.1:{port}", "Encrypt", body)
    payload = request.body if isinstance(request.body, bytes) else request.body.encode()
    head = "POST / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in request.headers.items() if k.lower() != "content-length")
    head += f"Host: 127.0.0.1:{port}\r\nContent-Length: {len(payload)}\r\n\r\n"
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(head.encode() + payload[: len(payload) // 2])
    return s, payload[len(payload) // 2:]


def read_status(s: socket.socket) -> bytes:
    s.settimeout(15)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0]


def test_graceful_shutdown_finishes_requests_in_flight(new_server):
    srv = new_server()
    key_id = srv.client().create_key()["KeyMetadata"]["KeyId"]
    in_flight = [half_sent_request(srv.port, {"KeyId": key_id, "Plaintext": "aGVsbG8="}) for _ in range(5)]
    time.sleep(0.3)
    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    assert srv.is_running(), "the server stopped with requests in flight"
    assert not serves_on(srv.port), "the listener still accepts during shutdown"
    for s, rest in in_flight:
        s.sendall(rest)
        assert read_status(s) == b"HTTP/1.1 200 OK"
        s.close()
    assert srv.proc.wait(timeout=30) == 0
    log = srv.log_path.read_text()
    assert "Trent stopped" in log and "audit trail closed" in log
    assert "ran out of time" not in log


def test_the_shutdown_deadline_closes_what_is_still_in_flight(new_server):
    srv = new_server(extra_args=("--shutdown-grace-seconds", "1", "--body-timeout-seconds", "120"))
    key_id = srv.client().create_key()["KeyMetadata"]["KeyId"]
    stalled, _ = half_sent_request(srv.port, {"KeyId": key_id, "Plaintext": "aGVsbG8="})
    time.sleep(0.3)
    started = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.proc.wait(timeout=30) == 0
    assert time.monotonic() - started < 5, "shutdown waited past its deadline"
    log = srv.log_path.read_text()
    assert "ran out of time" in log and "audit trail closed" in log
    stalled.close()
