"""Shared fixtures for the Trent black-box interop suite.

The suite treats the `trent` binary as a black box: it starts real server
processes on loopback ports, talks to them with boto3 / the AWS CLI / raw
SigV4-signed HTTP requests, and inspects the data directory from outside.

Binary: $TRENT_BIN, else <repo>/.build/debug/trent.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional
from unittest import mock

import boto3
import botocore
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / ".build" / "debug" / "trent"

REGION = "us-east-1"
ROOT_ACCESS_KEY_ID = "AKIATRENTINTEROPROOT"
ROOT_SECRET_ACCESS_KEY = "trentInteropRootSecretKey0123456789abcde"
ACCOUNT_ID = "111122223333"

STARTUP_TIMEOUT = 30.0
LOG_NAME = "trent-server.log"

# Environment variables that could leak host configuration into the
# server, boto3 or the AWS CLI.
_SCRUB_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_KMS",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "TRENT_ROOT_ACCESS_KEY_ID",
    "TRENT_ROOT_SECRET_ACCESS_KEY",
    "TRENT_ROOT_KEY",
    "TRENT_ACCOUNT_ID",
)


# The TLS pass (Scripts/test runs a part of the suite a second time with this
# set): every server then serves HTTPS with a certificate made here, and every
# client trusts only its CA.
TLS_PASS = os.environ.get("TRENT_INTEROP_TLS") == "1"


@dataclass(frozen=True)
class TLSFiles:
    ca: Path
    cert: Path
    key: Path

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))


def make_tls_files(directory: Path, *, name: str = "trent") -> TLSFiles:
    """A CA and a server certificate for 127.0.0.1 and localhost, made with the
    `cryptography` package (not by Trent)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} test CA")])
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    files = TLSFiles(ca=directory / f"{name}-ca.pem", cert=directory / f"{name}-cert.pem", key=directory / f"{name}-key.pem")
    files.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return files


_session_tls: Optional[TLSFiles] = None
# The certificate files of each HTTPS server started, by port, for raw requests.
_tls_by_port: dict[int, TLSFiles] = {}


def session_tls() -> TLSFiles:
    global _session_tls
    if _session_tls is None:
        _session_tls = make_tls_files(Path(tempfile.mkdtemp(prefix="trent-tls-")))
    return _session_tls


def trent_binary() -> Path:
    """Return the trent binary path or fail (never skip) with a clear message."""
    path = Path(os.environ.get("TRENT_BIN") or DEFAULT_BIN)
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"trent binary not found or not executable at {path}. "
            f"Build it first (`swift build --product trent` in {REPO}) "
            f"or point TRENT_BIN at it.",
            pytrace=False,
        )
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(extra: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB_ENV}
    if extra:
        env.update(extra)
    return env


class TrentServer:
    """A trent server process bound to one data directory."""

    def __init__(
        self,
        data_dir: Path,
        *,
        root_creds: bool = True,
        access_key_id: str = ROOT_ACCESS_KEY_ID,
        secret_access_key: str = ROOT_SECRET_ACCESS_KEY,
        account_id: Optional[str] = ACCOUNT_ID,
        region: Optional[str] = None,
        extra_env: Optional[Mapping[str, str]] = None,
        extra_args: tuple[str, ...] = (),
        tls: Optional[TLSFiles] = None,
        descriptor_limit: Optional[int] = None,
    ) -> None:
        # `ulimit -n` for the server: soft and hard, so that it cannot raise it.
        self.descriptor_limit = descriptor_limit
        self.binary = trent_binary()
        self.tls = tls or (session_tls() if TLS_PASS else None)
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data_dir / LOG_NAME
        self.region = region or REGION
        self.explicit_region = region is not None
        self.extra_args = tuple(extra_args)
        env: dict[str, str] = {}
        if root_creds:
            env["TRENT_ROOT_ACCESS_KEY_ID"] = access_key_id
            env["TRENT_ROOT_SECRET_ACCESS_KEY"] = secret_access_key
        if account_id:
            env["TRENT_ACCOUNT_ID"] = account_id
        if extra_env:
            env.update(extra_env)
        self.env = env
        self._access_key_id = access_key_id if root_creds else None
        self._secret_access_key = secret_access_key if root_creds else None
        self.port: Optional[int] = None
        self.proc: Optional[subprocess.Popen] = None

    # -- lifecycle -------------------------------------------------------
    @property
    def endpoint(self) -> str:
        assert self.port is not None, "server not started"
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def verify(self) -> Optional[str]:
        """What boto3 takes as `verify`: the CA bundle under TLS."""
        return str(self.tls.ca) if self.tls else None

    def command(self) -> list[str]:
        cmd = [
            str(self.binary),
            "serve",
            "--listen",
            f"127.0.0.1:{self.port}",
            "--data",
            str(self.data_dir),
        ]
        if self.explicit_region:
            cmd += ["--region", self.region]
        if self.tls:
            cmd += ["--tls-cert", str(self.tls.cert), "--tls-key", str(self.tls.key)]
        cmd += list(self.extra_args)
        return cmd

    def start(self, port: Optional[int] = None) -> "TrentServer":
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.port = port or free_port()
        if self.tls:
            _tls_by_port[self.port] = self.tls
        with open(self.log_path, "ab") as log:
            log.write(f"\n==== starting: {' '.join(self.command())}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=clean_env(self.env),
                cwd=str(self.data_dir),
                preexec_fn=self._limit_descriptors if self.descriptor_limit else None,
            )
        self.wait_ready()
        return self

    def _limit_descriptors(self) -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (self.descriptor_limit, self.descriptor_limit))

    def open_descriptors(self) -> int:
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        url = f"{self.endpoint}/health"
        last_err: Any = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(
                    f"trent exited with status {self.proc.returncode} during startup "
                    f"(cmd: {' '.join(self.command())}).\n--- log tail ---\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(url, timeout=1.0, context=self.tls.context() if self.tls else None) as resp:
                    if resp.status == 200:
                        return
                    last_err = f"HTTP {resp.status}"
            except urllib.error.HTTPError as e:
                last_err = f"HTTP {e.code}"
            except Exception as e:  # connection refused etc.
                last_err = e
            time.sleep(0.1)
        self.kill9()
        raise RuntimeError(
            f"trent did not become ready on {url} within {timeout}s (last: {last_err!r}).\n"
            f"--- log tail ---\n{self.log_tail()}"
        )

    def stop(self, timeout: float = 10.0) -> Optional[int]:
        """Graceful stop (SIGTERM, then SIGKILL after timeout). Returns exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            return None

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def restart(self, *, new_port: bool = True) -> "TrentServer":
        self.stop()
        return self.start(port=None if new_port else self.port)

    def is_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, n: int = 60) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError as e:
            return f"<no log: {e}>"
        return "\n".join(lines[-n:])

    # -- credentials / clients ------------------------------------------
    def credentials(self) -> tuple[str, str]:
        if self._access_key_id:
            return self._access_key_id, self._secret_access_key  # type: ignore[return-value]
        return read_credentials_file(self.data_dir / "credentials")

    def client(
        self,
        access_key_id: Optional[str] = None,
        secret_access_key: Optional[str] = None,
        region: Optional[str] = None,
    ):
        if access_key_id is None:
            access_key_id, secret_access_key = self.credentials()
        return make_kms_client(
            self.endpoint, access_key_id, secret_access_key, region or self.region, verify=self.verify
        )

    # -- admin subcommands ------------------------------------------------
    def admin(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.binary), *args, "--data", str(self.data_dir)]
        cp = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=60,
            env=clean_env(self.env),
        )
        if check and cp.returncode != 0:
            raise AssertionError(
                f"`{' '.join(cmd)}` failed with {cp.returncode}\n"
                f"stdout: {cp.stdout}\nstderr: {cp.stderr}"
            )
        return cp

    def admin_json(self, *args: str) -> Any:
        cp = self.admin(*args)
        try:
            return json.loads(cp.stdout)
        except json.JSONDecodeError as e:
            raise AssertionError(
                f"`trent {' '.join(args)}` did not print JSON: {e}\nstdout: {cp.stdout!r}"
            )

    def iam(self):
        """boto3's IAM client, signed by the root identity."""
        access_key_id, secret = self.credentials()
        session = boto3.session.Session(aws_access_key_id=access_key_id, aws_secret_access_key=secret, region_name=self.region)
        return session.client(
            "iam", endpoint_url=self.endpoint, verify=self.verify, config=Config(retries={"max_attempts": 1, "mode": "standard"})
        )

    def allow_all_kms(self, user_name: str) -> None:
        """Gives a user an identity policy allowing every KMS action: users start with no permissions."""
        self.iam().put_user_policy(
            UserName=user_name,
            PolicyName="allow-all-kms",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}),
        )

    # -- data dir ----------------------------------------------------------
    def db_bytes(self) -> bytes:
        """Bytes of trent.sqlite plus its -wal and -journal companions."""
        out = b""
        for name in ("trent.sqlite", "trent.sqlite-wal", "trent.sqlite-journal"):
            p = self.data_dir / name
            if p.exists():
                out += p.read_bytes()
        return out

    def all_data_bytes(self, include_log: bool = True) -> dict[str, bytes]:
        out = {}
        for p in sorted(self.data_dir.rglob("*")):
            if p.is_file() and (include_log or p.name != LOG_NAME):
                out[str(p.relative_to(self.data_dir))] = p.read_bytes()
        return out

    def __enter__(self) -> "TrentServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def read_credentials_file(path: Path) -> tuple[str, str]:
    import configparser

    cp = configparser.ConfigParser()
    with open(path) as f:
        cp.read_file(f)
    return (
        cp["default"]["aws_access_key_id"].strip(),
        cp["default"]["aws_secret_access_key"].strip(),
    )


def verify_for(endpoint: str) -> Optional[str]:
    """The CA bundle for an HTTPS endpoint started here; None for HTTP."""
    if not endpoint.startswith("https:"):
        return None
    return str(_tls_by_port[int(endpoint.rsplit(":", 1)[1].rstrip("/"))].ca)


def make_kms_client(endpoint: str, access_key_id: str, secret: str, region: str = REGION, verify: Optional[str] = None):
    # parameter_validation=False so that out-of-range inputs reach the server
    # and we test *its* validation, not botocore's.
    session = boto3.session.Session(
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret,
        region_name=region,
    )
    verify = verify or verify_for(endpoint)
    return session.client(
        "kms",
        endpoint_url=endpoint,
        region_name=region,
        verify=verify,
        config=Config(
            retries={"max_attempts": 1, "mode": "standard"},
            parameter_validation=False,
            connect_timeout=5,
            read_timeout=30,
        ),
    )


def error_code(exc: ClientError) -> str:
    return exc.response["Error"]["Code"]


def assert_client_error(fn: Callable[[], Any], *codes: str) -> ClientError:
    """Call fn, require a botocore ClientError whose code is one of `codes`
    and whose HTTP status is 4xx."""
    try:
        result = fn()
    except ClientError as e:
        code = error_code(e)
        status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        assert code in codes, (
            f"expected error {' or '.join(codes)}, got {code} (HTTP {status}): "
            f"{e.response.get('Error', {}).get('Message')}"
        )
        assert status is not None and 400 <= status < 500, (
            f"expected 4xx for {code}, got HTTP {status}"
        )
        return e
    raise AssertionError(f"expected {' or '.join(codes)}, but call succeeded: {result!r}")


# ---------------------------------------------------------------------------
# Raw SigV4 requests
# ---------------------------------------------------------------------------


class RawResponse:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def error_type(self) -> Optional[str]:
        """`__type` with any `namespace#` prefix stripped."""
        try:
            t = self.json().get("__type")
        except Exception:
            return None
        if isinstance(t, str) and "#" in t:
            t = t.rsplit("#", 1)[1]
        return t

    @property
    def message(self) -> str:
        try:
            d = self.json()
        except Exception:
            return ""
        return str(d.get("message") or d.get("Message") or "")

    def __repr__(self) -> str:
        return f"<RawResponse {self.status} {self.body[:300]!r}>"


def sign_request(
    endpoint: str,
    target: Optional[str],
    body: bytes | str | dict,
    *,
    access_key_id: str = ROOT_ACCESS_KEY_ID,
    secret: str = ROOT_SECRET_ACCESS_KEY,
    region: str = REGION,
    service: str = "kms",
    when=None,
    extra_headers: Optional[Mapping[str, str]] = None,
) -> botocore.awsrequest.AWSRequest:
    """Build and SigV4-sign a KMS JSON 1.1 POST request with botocore.

    `target` is the operation name (e.g. "Encrypt"); it becomes
    `X-Amz-Target: TrentService.<target>`. `when` (aware datetime) overrides
    the signing time.
    """
    if isinstance(body, dict):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = {"Content-Type": "application/x-amz-json-1.1"}
    if target is not None:
        headers["X-Amz-Target"] = f"TrentService.{target}"
    if extra_headers:
        headers.update(extra_headers)
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=endpoint.rstrip("/") + "/", data=body, headers=headers
    )
    creds = botocore.credentials.Credentials(access_key_id, secret)
    signer = botocore.auth.SigV4Auth(creds, service, region)
    if when is None:
        signer.add_auth(req)
    else:
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
            signer.add_auth(req)
    return req


def send_raw(
    endpoint: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    method: str = "POST",
    path: str = "/",
    timeout: float = 30.0,
) -> RawResponse:
    """Send exactly these headers/body with http.client (no re-signing)."""
    scheme, host_port = endpoint.split("://", 1)
    host_port = host_port.rstrip("/")
    host, port = host_port.split(":")
    if scheme == "https":
        conn = http.client.HTTPSConnection(host, int(port), timeout=timeout, context=_tls_by_port[int(port)].context())
    else:
        conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        have_host = False
        for k, v in headers.items():
            if k.lower() == "host":
                have_host = True
            if k.lower() == "content-length":
                continue
            conn.putheader(k, v)
        if not have_host:
            conn.putheader("Host", host_port)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        try:
            if body:
                conn.send(body)
        except (BrokenPipeError, ConnectionResetError):
            # The server may answer (e.g. 413) and close before reading the
            # whole body; try to read the response it already sent.
            pass
        resp = conn.getresponse()
        data = resp.read()
        return RawResponse(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        conn.close()


def send_signed(req: botocore.awsrequest.AWSRequest, endpoint: str, **kw) -> RawResponse:
    body = req.body if isinstance(req.body, bytes) else (req.body or b"")
    if isinstance(body, str):
        body = body.encode()
    return send_raw(endpoint, dict(req.headers.items()), body, **kw)


def raw_call(endpoint: str, target: Optional[str], body, **kw) -> RawResponse:
    """Sign with root creds (or given ones) and send."""
    send_kw = {k: kw.pop(k) for k in ("timeout",) if k in kw}
    req = sign_request(endpoint, target, body, **kw)
    return send_signed(req, endpoint, **send_kw)


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def trent_bin() -> Path:
    return trent_binary()


@pytest.fixture(scope="session")
def server(trent_bin, tmp_path_factory) -> TrentServer:
    data = tmp_path_factory.mktemp("trent-main") / "data"
    srv = TrentServer(data)
    try:
        srv.start()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    yield srv
    srv.stop()


@pytest.fixture
def new_server(trent_bin, tmp_path) -> Callable[..., TrentServer]:
    """Factory for extra, test-private servers; all are stopped at teardown."""
    servers: list[TrentServer] = []

    def factory(start: bool = True, data_dir: Optional[Path] = None, **kw) -> TrentServer:
        d = data_dir or (tmp_path / f"srv{len(servers)}" / "data")
        srv = TrentServer(d, **kw)
        servers.append(srv)
        if start:
            try:
                srv.start()
            except RuntimeError as e:
                pytest.fail(str(e), pytrace=False)
        return srv

    yield factory
    for s in servers:
        try:
            s.stop()
        except Exception:
            pass


@pytest.fixture(scope="session")
def kms(server):
    return server.client()


@pytest.fixture
def key(kms) -> dict:
    """A fresh enabled symmetric key; returns its KeyMetadata."""
    return kms.create_key(Description=f"interop test key {uuid.uuid4()}")["KeyMetadata"]


@pytest.fixture
def key_id(key) -> str:
    return key["KeyId"]


@pytest.fixture
def key_arn(key) -> str:
    return key["Arn"]


def unique_alias(prefix: str = "test") -> str:
    return f"alias/{prefix}-{uuid.uuid4().hex[:12]}"


def aws(env, *args, check=True, input=None):
    """Runs the AWS CLI in `env`; fails (never skips) when it is missing."""
    exe = shutil.which("aws")
    if exe is None:
        pytest.fail("AWS CLI (`aws`) not found on PATH; pip install awscli", pytrace=False)
    cp = subprocess.run([exe, *args], env=env, capture_output=True, timeout=120, input=input)
    if check and cp.returncode != 0:
        raise AssertionError(
            f"aws {' '.join(args)} -> exit {cp.returncode}\nstdout: {cp.stdout.decode(errors='replace')}"
            f"\nstderr: {cp.stderr.decode(errors='replace')}"
        )
    return cp


def aws_json(env, *args):
    return json.loads(aws(env, *args, "--output", "json").stdout)


@pytest.fixture
def aws_cli_env(server, tmp_path) -> dict[str, str]:
    """Environment for `aws` / `aws-encryption-cli` subprocesses, isolated from
    the host's AWS configuration."""
    cfg = tmp_path / "aws-config"
    creds = tmp_path / "aws-credentials"
    cfg.write_text("")
    creds.write_text("")
    ak, sk = server.credentials()
    return clean_env(
        {
            "AWS_ENDPOINT_URL_KMS": server.endpoint,
            "AWS_ACCESS_KEY_ID": ak,
            "AWS_SECRET_ACCESS_KEY": sk,
            "AWS_DEFAULT_REGION": server.region,
            "AWS_REGION": server.region,
            "AWS_CONFIG_FILE": str(cfg),
            "AWS_SHARED_CREDENTIALS_FILE": str(creds),
            "AWS_PAGER": "",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_RETRY_MODE": "standard",
            "AWS_EC2_METADATA_DISABLED": "true",
            **({"AWS_CA_BUNDLE": server.verify} if server.verify else {}),
        }
    )


def openssl_verify(tmp_path: Path, public_key, message: bytes, signature: bytes, *command: str) -> subprocess.CompletedProcess:
    """Runs `openssl COMMAND` to verify `signature` of `message` with `public_key`
    (a `cryptography` key); `{key}`, `{message}` and `{signature}` in the command
    name the files written for them. Fails (never skips) without openssl."""
    exe = shutil.which("openssl")
    if exe is None:
        pytest.fail("openssl not found", pytrace=False)
    files = {"key": tmp_path / "public.pem", "message": tmp_path / "message", "signature": tmp_path / "signature"}
    files["key"].write_bytes(public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    files["message"].write_bytes(message)
    files["signature"].write_bytes(signature)
    args = [part.format(**{name: str(path) for name, path in files.items()}) for part in command]
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=30)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def paginate_by_marker(list_call, items_key: str, limit: int = 2) -> tuple[list, int]:
    """Walks a Limit/Marker listing by hand, checking the Truncated/NextMarker
    contract on every page; returns (all items, number of pages)."""
    collected: list = []
    marker = None
    pages = 0
    while True:
        kw = {"Limit": limit}
        if marker:
            kw["Marker"] = marker
        resp = list_call(**kw)
        pages += 1
        assert len(resp[items_key]) <= limit
        collected.extend(resp[items_key])
        if not resp["Truncated"]:
            assert not resp.get("NextMarker")
            return collected, pages
        assert resp.get("NextMarker"), "Truncated=true requires NextMarker"
        marker = resp["NextMarker"]
        assert pages < 10_000
