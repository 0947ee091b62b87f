public import Foundation
public import KMSCore
import KMSCrypto
public import NIOPosix
public import ServiceLifecycle

/// The embedded default `MetadataStore`: one SQLite file in the data directory.
///
/// Writes are single IMMEDIATE transactions in WAL mode with
/// `synchronous=FULL`, so an answered request is on disk. All SQLite calls run
/// on NIO's blocking thread pool. Nothing is cached here: `CachingMetadataStore`
/// is the layer that does.
///
/// As a service it checkpoints the write-ahead log into the database at
/// graceful shutdown, so a stopped server leaves one self-contained file.
public final class SQLiteMetadataStore: MetadataStore, Service {
    let database: SQLiteDatabase
    private let threadPool: NIOThreadPool
    /// Nil for a store opened only to read.
    let groupCommitter: SQLiteGroupCommitter?

    public init(path: String, threadPool: NIOThreadPool = .singleton) throws {
        let database = try SQLiteDatabase(path: path)
        self.database = database
        self.threadPool = threadPool
        try database.transaction { db in
            try SQLiteSchema.migrate(db)
            // Records a crash left unindexed, or a migration brought.
            try Self.indexAuditSearch(db)
        }
        groupCommitter = SQLiteGroupCommitter(
            name: "sqlite-commit",
            commit: { entries in try Self.commitAudited(entries, in: database) },
            index: { try database.transaction { db in try Self.indexAuditSearch(db) } }
        )
    }

    deinit {
        groupCommitter?.stop()
    }

    /// Opens an existing database only to read it, as `trent audit verify`
    /// does, beside a running server or without one. Nothing is migrated: a
    /// database from another schema version is refused.
    public init(readingOnly path: String, threadPool: NIOThreadPool = .singleton) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SQLiteError(code: -1, message: "no Trent database at \(path)")
        }
        let database = try SQLiteDatabase(path: path, readOnly: true)
        self.database = database
        self.threadPool = threadPool
        groupCommitter = nil
        let version = try database.read { db in try db.query("PRAGMA user_version") { row in Int(row.int(0)) }.first ?? 0 }
        guard version == SQLiteSchema.migrations.count else {
            throw SQLiteError(code: -1, message: "the database at \(path) has schema \(version) and this Trent reads \(SQLiteSchema.migrations.count): start this Trent's server on it once")
        }
    }

    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await threadPool.runIfActive(body)
    }

    public func run() async throws {
        try await gracefulShutdown()
        try await blocking { [database] in
            try database.transaction { db in try Self.indexAuditSearch(db) }
            try database.read { db in try db.executeScript("PRAGMA wal_checkpoint(TRUNCATE);") }
        }
    }

    // MARK: keys

    public func key(_ id: KeyID) async throws -> KeyRecord? {
        try await blocking { [database] in try database.read { db in try Self.loadKey(id, db) } }
    }

    private static func loadKey(_ id: KeyID, _ db: Connection) throws -> KeyRecord? {
        let tags = try db.query(
            "SELECT tag_key, tag_value FROM key_tags WHERE key_id = ? ORDER BY position", [.text(id.description)]
        ) { row in ResourceTag(key: row.text(0), value: row.text(1)) }
        return try db.query(
            """
            SELECT created_at, description, key_spec, key_usage, origin, state, deletion_date, pending_window_days,
                   policy, current_version, revision, rotation_period_days, next_rotation_date, expiration_model, valid_to,
                   custom_key_store_id, xks_key_id
            FROM keys WHERE id = ?
            """,
            [.text(id.description)]
        ) { (row) throws(SQLiteError) in
            guard let spec = KeySpec(rawValue: row.text(2)), let usage = KeyUsage(rawValue: row.text(3)),
                  let origin = KeyOrigin(rawValue: row.text(4)), let state = KeyState(rawValue: row.text(5))
            else { throw SQLiteError(code: -1, message: "key \(id) has an unknown spec, usage, origin or state") }
            var record = KeyRecord(
                id: id, createdAt: Date(timeIntervalSince1970: row.double(0)), description: row.text(1), keySpec: spec,
                keyUsage: usage, origin: origin, state: state,
                deletionDate: row.isNull(6) ? nil : Date(timeIntervalSince1970: row.double(6)),
                pendingWindowInDays: row.isNull(7) ? nil : Int(row.int(7)), policy: row.text(8),
                currentVersion: UInt32(row.int(9)), tags: tags, revision: row.int(10)
            )
            record.rotationPeriodInDays = row.isNull(11) ? nil : Int(row.int(11))
            record.nextRotationDate = row.isNull(12) ? nil : Date(timeIntervalSince1970: row.double(12))
            record.expirationModel = row.isNull(13) ? nil : ExpirationModel(rawValue: row.text(13))
            record.validTo = row.isNull(14) ? nil : Date(timeIntervalSince1970: row.double(14))
            record.customKeyStoreID = row.isNull(15) ? nil : row.text(15)
            record.xksKeyID = row.isNull(16) ? nil : row.text(16)
            return record
        }.first
    }

    public func keyVersion(_ id: KeyID, version: UInt32) async throws -> StoredKeyVersion? {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT \(Self.versionColumns) FROM key_versions WHERE key_id = ? AND version = ?",
                    [.text(id.description), .integer(Int64(version))], row: Self.versionRow
                ).first
            }
        }
    }

    public func keyVersions(of id: KeyID) async throws -> [StoredKeyVersion] {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT \(Self.versionColumns) FROM key_versions WHERE key_id = ? ORDER BY version", [.text(id.description)], row: Self.versionRow
                )
            }
        }
    }

    private static let versionColumns = """
        key_id, version, key_spec, wrapping_format, wrapped_material, created_at, rotation_type, import_fingerprint, import_deleted,
        import_pending_rotation, import_expiration_model, import_valid_to, import_description
        """

    private static func versionRow(_ row: SQLiteRow) throws(SQLiteError) -> StoredKeyVersion {
        guard let id = KeyID(row.text(0)), let spec = KeySpec(rawValue: row.text(2)), let format = WrappingFormat(rawValue: Int(row.int(3))) else {
            throw SQLiteError(code: -1, message: "version \(row.int(1)) of key \(row.text(0)) has an unknown key, spec or wrapping format")
        }
        var imported: ImportedMaterial?
        if !row.isNull(7) {
            guard let model = ExpirationModel(rawValue: row.text(10)) else {
                throw SQLiteError(code: -1, message: "version \(row.int(1)) of key \(row.text(0)) has an unknown expiration model")
            }
            imported = ImportedMaterial(
                fingerprint: row.blob(7), isDeleted: row.int(8) != 0, isPendingRotation: row.int(9) != 0, expirationModel: model,
                validTo: row.isNull(11) ? nil : Date(timeIntervalSince1970: row.double(11)), description: row.isNull(12) ? nil : row.text(12)
            )
        }
        return StoredKeyVersion(
            keyID: id, version: UInt32(row.int(1)), keySpec: spec, wrappingFormat: format, material: row.blob(4),
            createdAt: Date(timeIntervalSince1970: row.double(5)), rotationType: row.isNull(6) ? nil : RotationType(rawValue: row.text(6)),
            imported: imported
        )
    }

    public func importedVersionsExpiring(by date: Date) async throws -> [StoredKeyVersion] {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    """
                    SELECT \(Self.versionColumns) FROM key_versions
                    WHERE import_expiration_model = 'KEY_MATERIAL_EXPIRES' AND import_deleted = 0 AND import_valid_to <= ?
                    ORDER BY import_valid_to
                    """,
                    [.real(date.timeIntervalSince1970)], row: Self.versionRow
                )
            }
        }
    }

    public func keyLastUsage(_ id: KeyID) async throws -> KeyUseRecord? {
        try await blocking { [database] in
            try database.read { db in
                try db.query("SELECT operation, used_at, request_id, event_id FROM key_usage WHERE key_id = ?", [.text(id.description)]) { row in
                    KeyUseRecord(
                        operation: row.text(0), timestamp: Date(timeIntervalSince1970: row.double(1)), requestID: row.text(2),
                        eventID: row.isNull(3) ? nil : row.text(3)
                    )
                }.first
            }
        }
    }

    public func keysDueForRotation(by date: Date) async throws -> [KeyID] {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT id FROM keys WHERE next_rotation_date <= ? AND state = 'Enabled' ORDER BY next_rotation_date",
                    [.real(date.timeIntervalSince1970)]
                ) { row in KeyID(row.text(0)) }.compactMap { $0 }
            }
        }
    }

    public func listKeys(after marker: KeyID?, limit: Int) async throws -> [KeyID] {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT id FROM keys WHERE id > ? ORDER BY id LIMIT ?",
                    [.text(marker?.description ?? ""), .integer(Int64(limit))]
                ) { row in KeyID(row.text(0)) }.compactMap { $0 }
            }
        }
    }

    public func keysPendingDeletion(dueBy date: Date) async throws -> [KeyID] {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT id FROM keys WHERE state = 'PendingDeletion' AND deletion_date <= ? ORDER BY deletion_date",
                    [.real(date.timeIntervalSince1970)]
                ) { row in KeyID(row.text(0)) }.compactMap { $0 }
            }
        }
    }

    // MARK: writes

    /// Thrown inside a commit's transaction to roll it back when a condition fails.
    struct ConditionFailed: Error {}

    public func commit(_ writes: [StoreWrite]) async throws -> Bool {
        if writes.isEmpty { return true }
        return try await blocking { [database] in
            do {
                try database.transaction { db in
                    for write in writes { try Self.apply(write, db) }
                }
                return true
            } catch is ConditionFailed {
                return false
            }
        }
    }

    static func apply(_ write: StoreWrite, _ db: Connection) throws {
        switch write {
        case .createKey(let record, let firstVersion):
            do {
                try db.run(
                    """
                    INSERT INTO keys (id, created_at, description, key_spec, key_usage, origin, state, deletion_date,
                                      pending_window_days, policy, current_version, custom_key_store_id, xks_key_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(record.id.description), .real(record.createdAt.timeIntervalSince1970), .text(record.description),
                        .text(record.keySpec.rawValue), .text(record.keyUsage.rawValue), .text(record.origin.rawValue),
                        .text(record.state.rawValue), record.deletionDate.map { .real($0.timeIntervalSince1970) } ?? .null,
                        record.pendingWindowInDays.map { .integer(Int64($0)) } ?? .null, .text(record.policy),
                        .integer(Int64(record.currentVersion)), record.customKeyStoreID.map { .text($0) } ?? .null,
                        record.xksKeyID.map { .text($0) } ?? .null,
                    ]
                )
            } catch {
                // `run` throws only SQLiteError; a UNIQUE violation means the ID is taken, or the external key is another key's.
                guard error.isConstraintViolation else { throw error }
                if let xksKeyID = record.xksKeyID, try loadKey(record.id, db) == nil {
                    throw KMSError(.xksKeyAlreadyInUse, "The external key \(xksKeyID) is already associated with a KMS key in this external key store.")
                }
                throw KMSError(.alreadyExists, "Key \(record.id) already exists.")
            }
            if let firstVersion { try insertVersion(firstVersion, db) }
            try replaceTags(of: record, db)
        case .updateKey(let record):
            try db.run(
                """
                UPDATE keys SET description = ?, state = ?, deletion_date = ?, pending_window_days = ?, current_version = ?,
                                policy = ?, rotation_period_days = ?, next_rotation_date = ?, expiration_model = ?, valid_to = ?,
                                revision = revision + 1
                WHERE id = ? AND revision = ?
                """,
                [
                    .text(record.description), .text(record.state.rawValue),
                    record.deletionDate.map { .real($0.timeIntervalSince1970) } ?? .null,
                    record.pendingWindowInDays.map { .integer(Int64($0)) } ?? .null,
                    .integer(Int64(record.currentVersion)), .text(record.policy),
                    record.rotationPeriodInDays.map { .integer(Int64($0)) } ?? .null,
                    record.nextRotationDate.map { .real($0.timeIntervalSince1970) } ?? .null,
                    record.expirationModel.map { .text($0.rawValue) } ?? .null, record.validTo.map { .real($0.timeIntervalSince1970) } ?? .null,
                    .text(record.id.description), .integer(record.revision),
                ]
            )
            guard db.changes == 1 else { throw ConditionFailed() }
            try replaceTags(of: record, db)
        case .addKeyVersion(let version):
            try insertVersion(version, db)
        case .replaceKeyVersion(let version):
            try db.run(
                """
                UPDATE key_versions SET wrapping_format = ?, wrapped_material = ?, created_at = ?, rotation_type = ?, import_fingerprint = ?,
                    import_deleted = ?, import_pending_rotation = ?, import_expiration_model = ?, import_valid_to = ?, import_description = ?
                WHERE key_id = ? AND version = ?
                """,
                [.integer(Int64(version.wrappingFormat.rawValue)), .blob(version.material), .real(version.createdAt.timeIntervalSince1970),
                 version.rotationType.map { .text($0.rawValue) } ?? .null] + importColumns(version)
                    + [.text(version.keyID.description), .integer(Int64(version.version))]
            )
            guard db.changes == 1 else { throw KMSError.notFound("Key \(version.keyID) has no version \(version.version).") }
        case .destroyKey(let id, let dueBy):
            try db.run(
                "DELETE FROM keys WHERE id = ? AND state = 'PendingDeletion' AND deletion_date <= ?",
                [.text(id.description), .real(dueBy.timeIntervalSince1970)]
            )
            // Versions, tags and aliases go with it through ON DELETE CASCADE.
            guard db.changes == 1 else { throw ConditionFailed() }
        case .createAlias(let alias):
            do {
                try db.run(
                    "INSERT INTO aliases (name, key_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    [.text(alias.name), .text(alias.targetKeyID.description), .real(alias.createdAt.timeIntervalSince1970),
                     .real(alias.updatedAt.timeIntervalSince1970)]
                )
            } catch {
                // `run` throws only SQLiteError; a UNIQUE violation means the name or ID is taken.
                guard error.isConstraintViolation else { throw error }
                throw KMSError(.alreadyExists, "An alias with the name \(alias.name) already exists")
            }
        case .updateAlias(let name, let targetKeyID, let updatedAt):
            try db.run(
                "UPDATE aliases SET key_id = ?, updated_at = ? WHERE name = ?",
                [.text(targetKeyID.description), .real(updatedAt.timeIntervalSince1970), .text(name)]
            )
            guard db.changes == 1 else { throw KMSError.notFound("Alias \(name) is not found.") }
        case .deleteAlias(let name):
            try db.run("DELETE FROM aliases WHERE name = ?", [.text(name)])
            guard db.changes == 1 else { throw KMSError.notFound("Alias \(name) is not found.") }
        case .createUser, .deleteUser, .tag, .createAccessKey, .setAccessKeyStatus, .deleteAccessKey, .createRole, .deleteRole,
             .putInlinePolicy, .deleteInlinePolicy, .createManagedPolicy, .deleteManagedPolicy, .attachPolicy, .detachPolicy:
            try applyIdentityWrite(write, db)
        case .recordKeyUsage(let keyID, let usage):
            try db.run(
                """
                INSERT INTO key_usage (key_id, operation, used_at, request_id, event_id) SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM keys WHERE id = ?1)
                ON CONFLICT (key_id) DO UPDATE SET operation = excluded.operation, used_at = excluded.used_at, request_id = excluded.request_id, event_id = excluded.event_id
                WHERE excluded.used_at > key_usage.used_at
                """,
                [.text(keyID.description), .text(usage.operation), .real(usage.timestamp.timeIntervalSince1970), .text(usage.requestID), usage.eventID.map { .text($0) } ?? .null]
            )
        case .createCustomKeyStore, .updateCustomKeyStore, .deleteCustomKeyStore, .registerHSMCluster:
            try applyCustomKeyStoreWrite(write, db)
        case .createGrant(let grant):
            try insertGrant(grant, db)
        case .deleteGrant(let keyID, let grantID):
            try db.run("DELETE FROM grants WHERE key_id = ? AND id = ?", [.text(keyID.description), .text(grantID)])
            guard db.changes == 1 else { throw KMSError(.notFound, "Grant ID \(grantID) not found for key \(keyID).") }
        }
    }

    /// A key's tags, in order, as the record now has them.
    private static func replaceTags(of record: KeyRecord, _ db: Connection) throws {
        try db.run("DELETE FROM key_tags WHERE key_id = ?", [.text(record.id.description)])
        for (position, tag) in record.tags.enumerated() {
            try db.run(
                "INSERT INTO key_tags (key_id, position, tag_key, tag_value) VALUES (?, ?, ?, ?)",
                [.text(record.id.description), .integer(Int64(position)), .text(tag.key), .text(tag.value)]
            )
        }
    }

    private static func insertVersion(_ version: StoredKeyVersion, _ db: Connection) throws {
        do {
            try db.run(
                """
                INSERT INTO key_versions (key_id, version, key_spec, wrapping_format, wrapped_material, created_at, rotation_type,
                    import_fingerprint, import_deleted, import_pending_rotation, import_expiration_model, import_valid_to, import_description)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(version.keyID.description), .integer(Int64(version.version)), .text(version.keySpec.rawValue),
                 .integer(Int64(version.wrappingFormat.rawValue)), .blob(version.material), .real(version.createdAt.timeIntervalSince1970),
                 version.rotationType.map { .text($0.rawValue) } ?? .null] + importColumns(version)
            )
        } catch {
            // `run` throws only SQLiteError; a UNIQUE violation means the name or ID is taken.
            guard error.isConstraintViolation else { throw error }
            throw KMSError(.alreadyExists, "Key \(version.keyID) already has a version \(version.version).")
        }
    }

    /// import_fingerprint … import_description, in that order.
    private static func importColumns(_ version: StoredKeyVersion) -> [SQLiteValue] {
        guard let imported = version.imported else { return [.null, .integer(0), .integer(0), .null, .null, .null] }
        return [
            .blob(imported.fingerprint), .integer(imported.isDeleted ? 1 : 0), .integer(imported.isPendingRotation ? 1 : 0),
            .text(imported.expirationModel.rawValue), imported.validTo.map { .real($0.timeIntervalSince1970) } ?? .null,
            imported.description.map { .text($0) } ?? .null,
        ]
    }

    // MARK: aliases

    public func alias(named name: String) async throws -> AliasRecord? {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT name, key_id, created_at, updated_at FROM aliases WHERE name = ?", [.text(name)], row: Self.aliasRow
                ).compactMap { $0 }.first
            }
        }
    }

    public func listAliases(for keyID: KeyID?, after marker: String?, limit: Int) async throws -> [AliasRecord] {
        try await blocking { [database] in
            try database.read { db in
                if let keyID {
                    return try db.query(
                        "SELECT name, key_id, created_at, updated_at FROM aliases WHERE key_id = ? AND name > ? ORDER BY name LIMIT ?",
                        [.text(keyID.description), .text(marker ?? ""), .integer(Int64(limit))], row: Self.aliasRow
                    ).compactMap { $0 }
                }
                return try db.query(
                    "SELECT name, key_id, created_at, updated_at FROM aliases WHERE name > ? ORDER BY name LIMIT ?",
                    [.text(marker ?? ""), .integer(Int64(limit))], row: Self.aliasRow
                ).compactMap { $0 }
            }
        }
    }

    private static func aliasRow(_ row: SQLiteRow) -> AliasRecord? {
        KeyID(row.text(1)).map {
            AliasRecord(
                name: row.text(0), targetKeyID: $0, createdAt: Date(timeIntervalSince1970: row.double(2)),
                updatedAt: Date(timeIntervalSince1970: row.double(3))
            )
        }
    }

    // MARK: settings

    public func setting(_ name: String) async throws -> [UInt8]? {
        try await blocking { [database] in
            try database.read { db in
                try db.query("SELECT value FROM settings WHERE name = ?", [.text(name)]) { row in row.blob(0) }.first
            }
        }
    }

    public func initializeSetting(_ name: String, to value: [UInt8]) async throws -> [UInt8] {
        try await blocking { [database] in
            try database.transaction { db in
                try db.run("INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)", [.text(name), .blob(value)])
                return try db.query("SELECT value FROM settings WHERE name = ?", [.text(name)]) { row in row.blob(0) }.first ?? value
            }
        }
    }
}
