#!/usr/bin/env python3
"""Checks that dependencies point inward, from `swift package dump-package`:
KMSServer does not depend on a storage backend, and KMSCore's dependency
closure holds no networking, server or database package. Exits non-zero,
naming the offending path, when one does."""

import json
import subprocess
import sys

FORBIDDEN_FOR_CORE = {
    "packages": {"swift-nio", "hummingbird", "swift-service-lifecycle", "postgres-nio", "GRDB.swift", "async-http-client"},
    "targets": {"CSQLite", "KMSStorageSQLite", "KMSServer"},
}
FORBIDDEN_FOR_SERVER = {"packages": {"postgres-nio", "GRDB.swift"}, "targets": {"CSQLite", "KMSStorageSQLite"}}
# The policy language is pure: it knows nothing of keys, HTTP or storage.
FORBIDDEN_FOR_POLICY = {"packages": FORBIDDEN_FOR_CORE["packages"] | {"swift-crypto", "swift-log"}, "targets": {"KMSCore", "KMSCrypto", "KMSProtocol", "SigV4"}}
# IAM and STS are served by the server, never the other way round.
FORBIDDEN_FOR_IDENTITY = FORBIDDEN_FOR_CORE
# The audit trail runs as a service but knows no HTTP server, networking or database.
FORBIDDEN_FOR_AUDIT = {
    "packages": FORBIDDEN_FOR_CORE["packages"] - {"swift-service-lifecycle"},
    "targets": FORBIDDEN_FOR_CORE["targets"] | {"KMSIdentity"},
}

package = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
targets = {t["name"]: t for t in package["targets"]}


def edges(name):
    """(kind, name) of each direct dependency of a target of this package."""
    for dependency in targets[name]["dependencies"]:
        if "byName" in dependency:
            yield ("target", dependency["byName"][0])
        elif "target" in dependency:
            yield ("target", dependency["target"][0])
        elif "product" in dependency:
            yield ("package", dependency["product"][1])


def violations(root, forbidden):
    """Paths from `root` to a forbidden target or package."""
    found, stack, seen = [], [(root, [root])], set()
    while stack:
        name, path = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        for kind, dependency in edges(name):
            step = path + [dependency]
            if dependency in forbidden[kind + "s"]:
                found.append(" -> ".join(step))
            elif kind == "target" and dependency in targets:
                stack.append((dependency, step))
    return found


problems = (
    violations("KMSCore", FORBIDDEN_FOR_CORE)
    + violations("KMSServer", FORBIDDEN_FOR_SERVER)
    + violations("KMSPolicy", FORBIDDEN_FOR_POLICY)
    + violations("KMSIdentity", FORBIDDEN_FOR_IDENTITY)
    + violations("KMSAudit", FORBIDDEN_FOR_AUDIT)
)
for problem in problems:
    print(f"layout: forbidden dependency {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(
    "layout: KMSCore, KMSIdentity and KMSAudit have no networking, server or database dependency; KMSPolicy depends on nothing of ours; "
    "KMSServer depends on no storage backend"
)
