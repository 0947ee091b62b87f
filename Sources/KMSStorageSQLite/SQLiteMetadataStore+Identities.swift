import Foundation
public import KMSCore

/// IAM entities and KMS grants. Writes arrive through `commit`, inside its
/// transaction, so each check below (a conflict, a quota) and the change it
/// guards are atomic.
extension SQLiteMetadataStore {
    static let accessKeysPerUser = 2
    static let attachedPoliciesPerOwner = 10
    static let tagsPerOwner = 50

    // MARK: reads

    public func user(named name: String) async throws -> UserRecord? {
        try await blocking { [database] in
            try database.read { db in
                try db.query("SELECT name, user_id, created_at FROM users WHERE name = ?", [.text(name)]) { row in
                    (row.text(0), row.text(1), row.double(2))
                }.first.map { name, id, created in
                    UserRecord(name: name, id: id, createdAt: Date(timeIntervalSince1970: created), tags: try Self.tags(of: .user(name), db))
                }
            }
        }
    }

    public func listUsers() async throws -> [UserRecord] {
        try await blocking { [database] in
            try database.read { db in
                try db.query("SELECT name, user_id, created_at FROM users ORDER BY name") { row in
                    (row.text(0), row.text(1), row.double(2))
                }.map { name, id, created in
                    UserRecord(name: name, id: id, createdAt: Date(timeIntervalSince1970: created), tags: try Self.tags(of: .user(name), db))
                }
            }
        }
    }

    public func accessKey(_ id: String) async throws -> AccessKeyRecord? {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT id, user_name, sealed_secret, created_at, status FROM access_keys WHERE id = ?", [.text(id)], row: Self.accessKeyRow
                ).first
            }
        }
    }

    public func listAccessKeys(userName: String) async throws -> [AccessKeyRecord] {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT id, user_name, sealed_secret, created_at, status FROM access_keys WHERE user_name = ? ORDER BY created_at, id",
                    [.text(userName)], row: Self.accessKeyRow
                )
            }
        }
    }

    private static func accessKeyRow(_ row: SQLiteRow) -> AccessKeyRecord {
        AccessKeyRecord(
            id: row.text(0), userName: row.text(1), sealedSecret: row.blob(2), createdAt: Date(timeIntervalSince1970: row.double(3)),
            status: AccessKeyStatus(rawValue: row.text(4)) ?? .inactive
        )
    }

    public func role(named name: String) async throws -> RoleRecord? {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT name, role_id, trust_policy, description, max_session_duration, created_at FROM roles WHERE name = ?",
                    [.text(name)]
                ) { row in
                    RoleRecord(
                        name: row.text(0), id: row.text(1), trustPolicy: row.text(2), description: row.isNull(3) ? nil : row.text(3),
                        maxSessionDuration: Int(row.int(4)), createdAt: Date(timeIntervalSince1970: row.double(5))
                    )
                }.first.map { role in
                    var role = role
                    role.tags = try Self.tags(of: .role(name), db)
                    return role
                }
            }
        }
    }

    public func managedPolicy(_ arn: String) async throws -> ManagedPolicyRecord? {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT arn, name, policy_id, document, description, created_at, \(Self.attachmentCount) FROM managed_policies p WHERE arn = ?", [.text(arn)],
                    row: Self.managedPolicyRow
                ).first
            }
        }
    }

    public func inlinePolicies(of owner: PolicyOwner) async throws -> [InlinePolicy] {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT name, document FROM inline_policies WHERE owner_kind = ? AND owner_name = ? ORDER BY name",
                    [.text(owner.kind), .text(owner.name)]
                ) { row in InlinePolicy(name: row.text(0), document: row.text(1)) }
            }
        }
    }

    public func attachedPolicies(of owner: PolicyOwner) async throws -> [ManagedPolicyRecord] {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    """
                    SELECT p.arn, p.name, p.policy_id, p.document, p.description, p.created_at, \(Self.attachmentCount)
                    FROM policy_attachments a JOIN managed_policies p ON p.arn = a.policy_arn
                    WHERE a.owner_kind = ? AND a.owner_name = ? ORDER BY p.arn
                    """,
                    [.text(owner.kind), .text(owner.name)], row: Self.managedPolicyRow
                )
            }
        }
    }

    private static let attachmentCount = "(SELECT count(*) FROM policy_attachments c WHERE c.policy_arn = p.arn)"

    private static func managedPolicyRow(_ row: SQLiteRow) -> ManagedPolicyRecord {
        ManagedPolicyRecord(
            arn: row.text(0), name: row.text(1), id: row.text(2), document: row.text(3), description: row.isNull(4) ? nil : row.text(4),
            createdAt: Date(timeIntervalSince1970: row.double(5)), attachmentCount: Int(row.int(6))
        )
    }

    private static func tags(of owner: PolicyOwner, _ db: Connection) throws(SQLiteError) -> [ResourceTag] {
        try db.query(
            "SELECT tag_key, tag_value FROM principal_tags WHERE owner_kind = ? AND owner_name = ? ORDER BY position",
            [.text(owner.kind), .text(owner.name)]
        ) { row in ResourceTag(key: row.text(0), value: row.text(1)) }
    }

    // MARK: grants

    private static let grantColumns =
        "id, key_id, token, name, grantee, retiring, operations, constraints, issuing_account, created_at"

    public func grants(for keyID: KeyID) async throws -> [GrantRecord] {
        try await grants(where: "key_id = ?", [.text(keyID.description)])
    }

    public func grant(token: String) async throws -> GrantRecord? {
        try await grants(where: "token = ?", [.text(token)]).first
    }

    public func grants(retirableBy principalARN: String) async throws -> [GrantRecord] {
        try await grants(where: "retiring = ?", [.text(principalARN)])
    }

    private func grants(where condition: String, _ bindings: [SQLiteValue]) async throws -> [GrantRecord] {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT \(Self.grantColumns) FROM grants WHERE \(condition) ORDER BY created_at, id", bindings
                ) { (row) throws(SQLiteError) in
                    let constraints: GrantConstraints??
                    constraints = row.isNull(7) ? .some(nil) : try? JSONDecoder().decode(GrantConstraints.self, from: Data(row.text(7).utf8))
                    guard let keyID = KeyID(row.text(1)),
                          let operations = try? JSONDecoder().decode([String].self, from: Data(row.text(6).utf8)),
                          let constraints
                    else { throw SQLiteError(code: -1, message: "grant \(row.text(0)) is unreadable") }
                    return GrantRecord(
                        id: row.text(0), keyID: keyID, token: row.text(2), name: row.isNull(3) ? nil : row.text(3),
                        granteePrincipal: row.text(4), retiringPrincipal: row.isNull(5) ? nil : row.text(5), operations: operations,
                        constraints: constraints, issuingAccount: row.text(8), createdAt: Date(timeIntervalSince1970: row.double(9))
                    )
                }
            }
        }
    }

    static func insertGrant(_ grant: GrantRecord, _ db: Connection) throws {
        guard try db.query("SELECT 1 FROM keys WHERE id = ?", [.text(grant.keyID.description)], row: { _ in true }).first != nil else {
            throw KMSError.notFound("Key '\(grant.keyID)' does not exist")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.run(
            "INSERT INTO grants (\(grantColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .text(grant.id), .text(grant.keyID.description), .text(grant.token), grant.name.map { .text($0) } ?? .null,
                .text(grant.granteePrincipal), grant.retiringPrincipal.map { .text($0) } ?? .null,
                .text(String(decoding: try encoder.encode(grant.operations), as: UTF8.self)),
                try grant.constraints.map { .text(String(decoding: try encoder.encode($0), as: UTF8.self)) } ?? .null,
                .text(grant.issuingAccount), .real(grant.createdAt.timeIntervalSince1970),
            ]
        )
    }

    // MARK: identity writes

    static func applyIdentityWrite(_ write: StoreWrite, _ db: Connection) throws {
        switch write {
        case .createUser(let user):
            try insert(
                "INSERT INTO users (name, user_id, created_at) VALUES (?, ?, ?)",
                [.text(user.name), .text(user.id), .real(user.createdAt.timeIntervalSince1970)], db,
                taken: "User with name \(user.name) already exists."
            )
            try setTags(user.tags, of: .user(user.name), db)
        case .deleteUser(let name):
            try requireOwner(.user(name), db)
            if try count("SELECT count(*) FROM access_keys WHERE user_name = ?", [.text(name)], db) > 0 {
                throw KMSError(.deleteConflict, "Cannot delete entity, must delete access keys first.")
            }
            try requireNoPolicies(.user(name), db)
            try db.run("DELETE FROM principal_tags WHERE owner_kind = 'user' AND owner_name = ?", [.text(name)])
            try db.run("DELETE FROM users WHERE name = ?", [.text(name)])
        case .tag(let owner, let tags):
            try requireOwner(owner, db)
            try setTags(tags, of: owner, db)
        case .createAccessKey(let key):
            try requireOwner(.user(key.userName), db)
            if try count("SELECT count(*) FROM access_keys WHERE user_name = ?", [.text(key.userName)], db) >= accessKeysPerUser {
                throw KMSError(.limitExceeded, "Cannot exceed quota for AccessKeysPerUser: \(accessKeysPerUser)")
            }
            try insert(
                "INSERT INTO access_keys (id, user_name, sealed_secret, created_at, status) VALUES (?, ?, ?, ?, ?)",
                [.text(key.id), .text(key.userName), .blob(key.sealedSecret), .real(key.createdAt.timeIntervalSince1970), .text(key.status.rawValue)],
                db, taken: "Access key \(key.id) already exists."
            )
        case .setAccessKeyStatus(let id, let userName, let status):
            try db.run("UPDATE access_keys SET status = ? WHERE id = ? AND user_name = ?", [.text(status.rawValue), .text(id), .text(userName)])
            guard db.changes == 1 else { throw KMSError.notFound("The Access Key with id \(id) cannot be found.") }
        case .deleteAccessKey(let id, let userName):
            try db.run("DELETE FROM access_keys WHERE id = ? AND user_name = ?", [.text(id), .text(userName)])
            guard db.changes == 1 else { throw KMSError.notFound("The Access Key with id \(id) cannot be found.") }
        case .createRole(let role):
            try insert(
                "INSERT INTO roles (name, role_id, trust_policy, description, max_session_duration, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(role.name), .text(role.id), .text(role.trustPolicy), role.description.map { .text($0) } ?? .null,
                 .integer(Int64(role.maxSessionDuration)), .real(role.createdAt.timeIntervalSince1970)],
                db, taken: "Role with name \(role.name) already exists."
            )
            try setTags(role.tags, of: .role(role.name), db)
        case .deleteRole(let name):
            try requireOwner(.role(name), db)
            try requireNoPolicies(.role(name), db)
            try db.run("DELETE FROM principal_tags WHERE owner_kind = 'role' AND owner_name = ?", [.text(name)])
            try db.run("DELETE FROM roles WHERE name = ?", [.text(name)])
        case .putInlinePolicy(let owner, let policy):
            try requireOwner(owner, db)
            try db.run(
                "INSERT OR REPLACE INTO inline_policies (owner_kind, owner_name, name, document) VALUES (?, ?, ?, ?)",
                [.text(owner.kind), .text(owner.name), .text(policy.name), .text(policy.document)]
            )
        case .deleteInlinePolicy(let owner, let name):
            try db.run(
                "DELETE FROM inline_policies WHERE owner_kind = ? AND owner_name = ? AND name = ?",
                [.text(owner.kind), .text(owner.name), .text(name)]
            )
            guard db.changes == 1 else { throw KMSError.notFound("The \(owner.kind) policy with name \(name) cannot be found.") }
        case .createManagedPolicy(let policy):
            try insert(
                "INSERT INTO managed_policies (arn, name, policy_id, document, description, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(policy.arn), .text(policy.name), .text(policy.id), .text(policy.document), policy.description.map { .text($0) } ?? .null,
                 .real(policy.createdAt.timeIntervalSince1970)],
                db, taken: "A policy called \(policy.name) already exists. Duplicate names are not allowed."
            )
        case .deleteManagedPolicy(let arn):
            if try count("SELECT count(*) FROM policy_attachments WHERE policy_arn = ?", [.text(arn)], db) > 0 {
                throw KMSError(.deleteConflict, "Cannot delete a policy attached to entities.")
            }
            try db.run("DELETE FROM managed_policies WHERE arn = ?", [.text(arn)])
            guard db.changes == 1 else { throw KMSError.notFound("Policy \(arn) does not exist or is not attachable.") }
        case .attachPolicy(let owner, let arn):
            try requireOwner(owner, db)
            guard try count("SELECT count(*) FROM managed_policies WHERE arn = ?", [.text(arn)], db) == 1 else {
                throw KMSError.notFound("Policy \(arn) does not exist or is not attachable.")
            }
            try db.run(
                "INSERT OR IGNORE INTO policy_attachments (owner_kind, owner_name, policy_arn) VALUES (?, ?, ?)",
                [.text(owner.kind), .text(owner.name), .text(arn)]
            )
            let attached = try count(
                "SELECT count(*) FROM policy_attachments WHERE owner_kind = ? AND owner_name = ?", [.text(owner.kind), .text(owner.name)], db
            )
            if attached > attachedPoliciesPerOwner {
                throw KMSError(.limitExceeded, "Cannot exceed quota for PoliciesPer\(owner.kind.capitalized): \(attachedPoliciesPerOwner)")
            }
        case .detachPolicy(let owner, let arn):
            try db.run(
                "DELETE FROM policy_attachments WHERE owner_kind = ? AND owner_name = ? AND policy_arn = ?",
                [.text(owner.kind), .text(owner.name), .text(arn)]
            )
            guard db.changes == 1 else { throw KMSError.notFound("Policy \(arn) was not found.") }
        default:
            preconditionFailure("not an identity write: \(write)")
        }
    }

    private static func insert(_ sql: String, _ bindings: [SQLiteValue], _ db: Connection, taken message: String) throws {
        do {
            try db.run(sql, bindings)
        } catch {
            // `run` throws only SQLiteError; a UNIQUE violation means the name or ID is taken.
            guard error.isConstraintViolation else { throw error }
            throw KMSError(.alreadyExists, message)
        }
    }

    private static func count(_ sql: String, _ bindings: [SQLiteValue], _ db: Connection) throws(SQLiteError) -> Int64 {
        try db.query(sql, bindings) { row in row.int(0) }.first ?? 0
    }

    private static func requireOwner(_ owner: PolicyOwner, _ db: Connection) throws {
        let table = switch owner {
        case .user: "users"
        case .role: "roles"
        }
        guard try count("SELECT count(*) FROM \(table) WHERE name = ?", [.text(owner.name)], db) == 1 else {
            throw KMSError.notFound("The \(owner.kind) with name \(owner.name) cannot be found.")
        }
    }

    private static func requireNoPolicies(_ owner: PolicyOwner, _ db: Connection) throws {
        let bindings: [SQLiteValue] = [.text(owner.kind), .text(owner.name)]
        if try count("SELECT count(*) FROM inline_policies WHERE owner_kind = ? AND owner_name = ?", bindings, db) > 0 {
            throw KMSError(.deleteConflict, "Cannot delete entity, must delete policies first.")
        }
        if try count("SELECT count(*) FROM policy_attachments WHERE owner_kind = ? AND owner_name = ?", bindings, db) > 0 {
            throw KMSError(.deleteConflict, "Cannot delete entity, must detach all policies first.")
        }
    }

    /// Adds or replaces tags, keeping the order in which keys first arrived.
    private static func setTags(_ tags: [ResourceTag], of owner: PolicyOwner, _ db: Connection) throws {
        for tag in tags {
            try db.run(
                """
                INSERT INTO principal_tags (owner_kind, owner_name, tag_key, tag_value, position)
                VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(position), -1) + 1 FROM principal_tags WHERE owner_kind = ?1 AND owner_name = ?2))
                ON CONFLICT (owner_kind, owner_name, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                """,
                [.text(owner.kind), .text(owner.name), .text(tag.key), .text(tag.value)]
            )
        }
        let total = try count(
            "SELECT count(*) FROM principal_tags WHERE owner_kind = ? AND owner_name = ?", [.text(owner.kind), .text(owner.name)], db
        )
        if total > tagsPerOwner {
            throw KMSError(.limitExceeded, "The number of tags has reached the maximum limit.")
        }
    }
}

extension PolicyOwner {
    /// How the store names the owner's kind; also IAM's word for it in messages.
    var kind: String {
        switch self {
        case .user: "user"
        case .role: "role"
        }
    }
}
