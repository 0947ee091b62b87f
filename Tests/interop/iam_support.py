"""Shared helpers for the IAM / STS / key-policy / grant interop tests.

Everything here talks to a server only through its public endpoint (boto3,
signed with real credentials), the same way a user of AWS would.  The
helpers take any object with an `endpoint` attribute, so they work with the
`server` / `new_server` fixtures of conftest.py.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import (
    verify_for,
    ACCOUNT_ID,
    REGION,
    ROOT_ACCESS_KEY_ID,
    ROOT_SECRET_ACCESS_KEY,
    assert_client_error,
)

ROOT_ARN = f"arn:aws:iam::{ACCOUNT_ID}:root"

# Identifier formats as AWS writes them (unique-id prefixes are documented
# in the IAM User Guide, "Unique identifiers").
ACCESS_KEY_RE = re.compile(r"AKIA[A-Z0-9]{16}")
TEMP_ACCESS_KEY_RE = re.compile(r"ASIA[A-Z0-9]{16}")
USER_ID_RE = re.compile(r"AIDA[A-Z0-9]{17}")
ROLE_ID_RE = re.compile(r"AROA[A-Z0-9]{17}")
POLICY_ID_RE = re.compile(r"ANPA[A-Z0-9]{17}")

VERSION = "2012-10-17"


def uid(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"


def policy_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:policy/{name}"


def assumed_role_arn(role: str, session: str) -> str:
    return f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/{session}"


# ---------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------


def make_client(
    service: str,
    endpoint: str,
    access_key_id: str = ROOT_ACCESS_KEY_ID,
    secret: str = ROOT_SECRET_ACCESS_KEY,
    session_token: Optional[str] = None,
    region: str = REGION,
):
    """A boto3 client for `service` aimed at `endpoint`. IAM is a global
    service: boto3 signs it for us-east-1, which is also REGION here."""
    session = boto3.session.Session(
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret,
        aws_session_token=session_token,
        region_name=region,
    )
    return session.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        verify=verify_for(endpoint),
        config=Config(
            retries={"max_attempts": 1, "mode": "standard"},
            parameter_validation=False,
            connect_timeout=5,
            read_timeout=30,
        ),
    )


def root_iam(server):
    return make_client("iam", server.endpoint)


def root_sts(server):
    return make_client("sts", server.endpoint)


def root_kms(server):
    return make_client("kms", server.endpoint)


@dataclass
class Principal:
    """Credentials of one identity (IAM user or assumed-role session)."""

    endpoint: str
    arn: str
    access_key_id: str
    secret: str
    session_token: Optional[str] = None
    name: Optional[str] = None
    extra: dict = field(default_factory=dict)

    def client(self, service: str):
        return make_client(
            service, self.endpoint, self.access_key_id, self.secret, self.session_token
        )

    def kms(self):
        return self.client("kms")

    def iam(self):
        return self.client("iam")

    def sts(self):
        return self.client("sts")


# ---------------------------------------------------------------------------
# Policy documents
# ---------------------------------------------------------------------------


def stmt(
    effect: str,
    action,
    resource="*",
    *,
    principal=None,
    condition: Optional[dict] = None,
    sid: Optional[str] = None,
) -> dict:
    s: dict[str, Any] = {"Effect": effect, "Action": action}
    if sid:
        s["Sid"] = sid
    if principal is not None:
        if principal == "*" or isinstance(principal, dict):
            s["Principal"] = principal
        else:
            s["Principal"] = {"AWS": principal}
    if resource is not None:
        s["Resource"] = resource
    if condition:
        s["Condition"] = condition
    return s


def allow(action, resource="*", **kw) -> dict:
    return stmt("Allow", action, resource, **kw)


def deny(action, resource="*", **kw) -> dict:
    return stmt("Deny", action, resource, **kw)


def doc(*statements: dict) -> str:
    return json.dumps({"Version": VERSION, "Statement": list(statements)})


def root_statement() -> dict:
    """The statement of the default key policy that delegates to IAM."""
    return {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": ROOT_ARN},
        "Action": "kms:*",
        "Resource": "*",
    }


def key_policy(*statements: dict, root: bool = True) -> str:
    st = ([root_statement()] if root else []) + list(statements)
    return json.dumps({"Version": VERSION, "Statement": st})


def trust_policy(*principals: str, action: str = "sts:AssumeRole") -> str:
    return json.dumps(
        {
            "Version": VERSION,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": list(principals) if len(principals) > 1 else principals[0]},
                    "Action": action,
                }
            ],
        }
    )


# ---------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------


def create_user(
    server,
    name: Optional[str] = None,
    *,
    policy: Optional[str | dict] = None,
    managed: Iterable[str] = (),
    tags: Optional[dict[str, str]] = None,
) -> Principal:
    """Creates an IAM user through the IAM API (as root), optionally with an
    inline policy, attached managed policies and tags, and one access key."""
    iam = root_iam(server)
    name = name or uid("user")
    u = iam.create_user(UserName=name)["User"]
    if tags:
        iam.tag_user(UserName=name, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    if policy is not None:
        if isinstance(policy, dict):
            policy = json.dumps(policy)
        iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=policy)
    for arn in managed:
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
    ak = iam.create_access_key(UserName=name)["AccessKey"]
    return Principal(
        endpoint=server.endpoint,
        arn=u["Arn"],
        access_key_id=ak["AccessKeyId"],
        secret=ak["SecretAccessKey"],
        name=name,
        extra={"UserId": u["UserId"]},
    )


def create_role(
    server,
    name: Optional[str] = None,
    *,
    trusted: Iterable[str] = (),
    trust: Optional[str] = None,
    policy: Optional[str] = None,
    **kw,
) -> dict:
    iam = root_iam(server)
    name = name or uid("role")
    if trust is None:
        trust = trust_policy(*trusted)
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **kw)["Role"]
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=policy)
    return role


def assume(principal: Principal, arn: str, session: Optional[str] = None, **kw) -> Principal:
    session = session or uid("s")
    r = principal.sts().assume_role(RoleArn=arn, RoleSessionName=session, **kw)
    c = r["Credentials"]
    return Principal(
        endpoint=principal.endpoint,
        arn=r["AssumedRoleUser"]["Arn"],
        access_key_id=c["AccessKeyId"],
        secret=c["SecretAccessKey"],
        session_token=c["SessionToken"],
        name=session,
        extra={"response": r},
    )


# ---------------------------------------------------------------------------
# Assertions
# ---------------------------------------------------------------------------


def assert_access_denied(
    fn: Callable[[], Any],
    principal_arn: Optional[str] = None,
    action: Optional[str] = None,
    resource: Optional[str] = None,
    because: Optional[str] = None,
    code: str = "AccessDeniedException",
) -> ClientError:
    """Requires AWS's AccessDenied error and, where given, the message shape
    `User: ARN is not authorized to perform: ACTION on resource: RES because …`.
    `because` is a regex searched in the message."""
    e = assert_client_error(fn, code)
    msg = e.response["Error"].get("Message", "")
    if principal_arn is not None:
        assert msg.startswith(f"User: {principal_arn} is not authorized to perform: "), msg
    if action is not None:
        assert f"is not authorized to perform: {action}" in msg, msg
    if resource is not None:
        assert f"on resource: {resource}" in msg, msg
    if because is not None:
        assert re.search(because, msg), msg
    return e


NO_IDENTITY_POLICY = r"because no identity-based policy allows the kms:\w+ action"
NO_RESOURCE_POLICY = r"because no resource-based policy allows the kms:\w+ action"
EXPLICIT_DENY_IDENTITY = r"with an explicit deny in an identity-based policy"
EXPLICIT_DENY_RESOURCE = r"with an explicit deny in a resource-based policy"


def all_key_ids(kms) -> set[str]:
    out = set()
    for page in kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 1000}):
        out.update(k["KeyId"] for k in page["Keys"])
    return out


def policy_of(kms, key_id: str) -> dict:
    return json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
