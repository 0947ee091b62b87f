public import Foundation
public import KMSCore

/// The audit trail in SQLite: records and the chain's head are written in the
/// transaction of the changes they describe, so the chain cannot fork and a
/// change is never kept without its record.
extension SQLiteMetadataStore {
    public func commitAudited(_ entries: [AuditedWrites]) async throws -> [AuditedCommitResult] {
        if entries.isEmpty { return [] }
        guard let groupCommitter else { throw SQLiteError(code: -1, message: "the database is open only to read") }
        return try await groupCommitter.submit(entries)
    }

    /// Transactions the group committer has made, each with one fsync: for
    /// tests and the benchmark, which compare it with the records committed.
    public var auditTransactionCount: Int { groupCommitter?.transactionCount ?? 0 }

    /// Runs SQL on the store's own connection, for tests that break the
    /// database on purpose (a page limit standing in for a full disk).
    public func runUnsafeSQL(_ sql: String) async throws {
        try await blocking { [database] in try database.read { db in try db.executeScript(sql) } }
    }

    public func checkWritable() async throws {
        try await blocking { [database] in try database.probeWrite(waitingAtMost: 250) }
    }

    /// One transaction over a batch, on the group committer's thread.
    static func commitAudited(_ entries: [AuditedWrites], in database: SQLiteDatabase) throws -> [AuditedCommitResult] {
        try database.transaction { db in
            var head = try Self.auditHead(db)
            var results: [AuditedCommitResult] = []
            results.reserveCapacity(entries.count)
            for entry in entries {
                if entry.writes.isEmpty {
                    head = try Self.append(entry.record, after: head, db)
                    results.append(.committed(sequence: head.sequence))
                    continue
                }
                // Each request's writes stand or fall alone; a database error fails the whole batch.
                try db.run("SAVEPOINT request")
                do {
                    for write in entry.writes { try Self.apply(write, db) }
                    head = try Self.append(entry.record, after: head, db)
                    try db.run("RELEASE request")
                    results.append(.committed(sequence: head.sequence))
                } catch is ConditionFailed {
                    try Self.undo(db)
                    results.append(.conditionFailed)
                } catch let error as KMSError {
                    try Self.undo(db)
                    results.append(.rejected(error))
                }
            }
            try db.run(
                "INSERT INTO audit_head (id, sequence, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash",
                [.integer(head.sequence), .blob(head.hash)]
            )
            return results
        }
    }

    private static func undo(_ db: Connection) throws {
        try db.run("ROLLBACK TO request")
        try db.run("RELEASE request")
    }

    struct ChainHead {
        var sequence: Int64
        var hash: [UInt8]
    }

    static func auditHead(_ db: Connection) throws -> ChainHead {
        try db.query("SELECT sequence, hash FROM audit_head WHERE id = 1") { row in ChainHead(sequence: row.int(0), hash: row.blob(1)) }.first
            ?? ChainHead(sequence: 0, hash: AuditChain.genesis)
    }

    private static func append(_ record: AuditRecordRow, after head: ChainHead, _ db: Connection) throws -> ChainHead {
        let next = ChainHead(sequence: head.sequence + 1, hash: AuditChain.link(previous: head.hash, record: record.body))
        try db.run(
            """
            INSERT INTO audit_records (sequence, event_id, event_time, event_name, event_source, read_only, username, access_key_id,
                                       resources, record, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .integer(next.sequence), .text(record.eventID), .real(record.eventTime.timeIntervalSince1970), .text(record.eventName),
                .text(record.eventSource), .integer(record.readOnly ? 1 : 0), record.username.map { .text($0) } ?? .null,
                record.accessKeyID.map { .text($0) } ?? .null, .text(AuditResourceColumn.encode(record.resources)), .blob(record.body),
                .blob(head.hash), .blob(next.hash),
            ]
        )
        return next
    }

    // MARK: the search index

    /// Copies the records committed since the last run into the tables
    /// LookupEvents searches, in one transaction. The commit thread runs it
    /// every `SQLiteGroupCommitter.indexEvery` records and when idle, and a
    /// search first, so that a search sees every committed record.
    static func indexAuditSearch(_ db: Connection) throws {
        let from = try db.query("SELECT indexed_through FROM audit_search_state WHERE id = 1") { row in row.int(0) }.first ?? 0
        let through = try auditHead(db).sequence
        guard through > from else { return }
        let range: [SQLiteValue] = [.integer(from), .integer(through)]
        try db.run(
            """
            INSERT INTO audit_search (sequence, event_id, event_time, event_name, event_source, read_only, username, access_key_id)
            SELECT sequence, event_id, event_time, event_name, event_source, read_only, username, access_key_id
            FROM audit_records WHERE sequence > ? AND sequence <= ?
            """,
            range
        )
        try db.run(
            """
            INSERT INTO audit_search_resources (sequence, position, resource_type, resource_name)
            SELECT r.sequence, j.key, j.value ->> 'type', j.value ->> 'name'
            FROM audit_records r, json_each(r.resources) j WHERE r.sequence > ? AND r.sequence <= ?
            """,
            range
        )
        try db.run("UPDATE audit_search_state SET indexed_through = ? WHERE id = 1", [.integer(through)])
    }

    /// The first record whose search entry differs from it, is missing, or
    /// has no record: the search tables are not hashed, so `trent audit
    /// verify` checks them against the records, which it checks against
    /// their hashed content. Otherwise an edit could hide an event from
    /// LookupEvents.
    public func auditSearchMismatch() async throws -> Int64? {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    """
                    WITH state AS (SELECT indexed_through AS through FROM audit_search_state WHERE id = 1)
                    SELECT min(sequence) FROM (
                        SELECT r.sequence FROM audit_records r, state LEFT JOIN audit_search s ON s.sequence = r.sequence
                        WHERE r.sequence <= state.through AND (
                            s.sequence IS NULL OR s.event_id IS NOT r.event_id OR s.event_time IS NOT r.event_time
                            OR s.event_name IS NOT r.event_name OR s.event_source IS NOT r.event_source
                            OR s.read_only IS NOT r.read_only OR s.username IS NOT r.username OR s.access_key_id IS NOT r.access_key_id)
                        UNION ALL
                        SELECT s.sequence FROM audit_search s, state LEFT JOIN audit_records r ON r.sequence = s.sequence
                        WHERE r.sequence IS NULL OR s.sequence > state.through
                        UNION ALL
                        SELECT r.sequence FROM audit_records r, state, json_each(r.resources) j
                        LEFT JOIN audit_search_resources x ON x.sequence = r.sequence AND x.position = j.key
                        WHERE r.sequence <= state.through AND (
                            x.sequence IS NULL OR x.resource_type IS NOT j.value ->> 'type' OR x.resource_name IS NOT j.value ->> 'name')
                        UNION ALL
                        SELECT x.sequence FROM audit_search_resources x, state LEFT JOIN audit_records r ON r.sequence = x.sequence
                        WHERE r.sequence IS NULL OR x.sequence > state.through OR x.position >= json_array_length(r.resources)
                    )
                    """
                ) { row in row.isNull(0) ? nil : row.int(0) }.first ?? nil
            }
        }
    }

    public func auditRecords(after sequence: Int64, limit: Int) async throws -> [StoredAuditRecord] {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT \(Self.recordColumns) FROM audit_records WHERE sequence > ? ORDER BY sequence LIMIT ?",
                    [.integer(sequence), .integer(Int64(limit))], row: Self.storedRecord
                )
            }
        }
    }

    public func lookupAuditRecords(_ query: AuditQuery) async throws -> [StoredAuditRecord] {
        var conditions = ["s.sequence < ?"]
        var bindings: [SQLiteValue] = [.integer(query.beforeSequence ?? Int64.max)]
        switch query.attribute {
        case .eventID(let id)?: conditions.append("s.event_id = ?"); bindings.append(.text(id))
        case .eventName(let name)?: conditions.append("s.event_name = ?"); bindings.append(.text(name))
        case .readOnly(let readOnly)?: conditions.append("s.read_only = ?"); bindings.append(.integer(readOnly ? 1 : 0))
        case .username(let name)?: conditions.append("s.username = ?"); bindings.append(.text(name))
        case .eventSource(let source)?: conditions.append("s.event_source = ?"); bindings.append(.text(source))
        case .accessKeyID(let id)?: conditions.append("s.access_key_id = ?"); bindings.append(.text(id))
        case .resourceName(let name)?:
            conditions.append("s.sequence IN (SELECT sequence FROM audit_search_resources WHERE resource_name = ?)"); bindings.append(.text(name))
        case .resourceType(let type)?:
            conditions.append("s.sequence IN (SELECT sequence FROM audit_search_resources WHERE resource_type = ?)"); bindings.append(.text(type))
        case nil: break
        }
        if let start = query.startTime { conditions.append("s.event_time >= ?"); bindings.append(.real(start.timeIntervalSince1970)) }
        if let end = query.endTime { conditions.append("s.event_time <= ?"); bindings.append(.real(end.timeIntervalSince1970)) }
        bindings.append(.integer(Int64(query.limit)))
        let sql = """
            SELECT s.sequence, s.event_id, s.event_time, s.event_name, s.event_source, s.read_only, s.username, s.access_key_id,
                   r.resources, r.record, r.previous_hash, r.hash
            FROM audit_search s JOIN audit_records r ON r.sequence = s.sequence
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY s.sequence DESC LIMIT ?
            """
        return try await blocking { [database, bindings] in
            // A search sees every committed record: what the commit thread has not indexed yet is indexed first.
            try database.transaction { db in
                try Self.indexAuditSearch(db)
                // Resources come from each record's own row, which verify checks against its content.
                return try db.query(sql, bindings, row: Self.storedRecord)
            }
        }
    }

    private static let recordColumns =
        "sequence, event_id, event_time, event_name, event_source, read_only, username, access_key_id, resources, record, previous_hash, hash"

    private static func storedRecord(_ row: SQLiteRow) throws(SQLiteError) -> StoredAuditRecord {
        guard let resources = AuditResourceColumn.decode(row.text(8)) else {
            throw SQLiteError(code: -1, message: "audit record \(row.int(0)) has unreadable resources")
        }
        return StoredAuditRecord(
            sequence: row.int(0),
            row: AuditRecordRow(
                eventID: row.text(1), eventTime: Date(timeIntervalSince1970: row.double(2)), eventName: row.text(3),
                eventSource: row.text(4), readOnly: row.int(5) != 0, username: row.isNull(6) ? nil : row.text(6),
                accessKeyID: row.isNull(7) ? nil : row.text(7), resources: resources, body: row.blob(9)
            ),
            previousHash: row.blob(10), hash: row.blob(11)
        )
    }

    // MARK: seals

    public func appendAuditSeal(_ make: @escaping @Sendable (AuditSealBasis) throws -> AuditSeal?) async throws -> AuditSeal? {
        try await blocking { [database] in
            try database.transaction { db in
                let head = try Self.auditHead(db)
                let basis = try Self.sealBasis(lastSequence: head.sequence == 0 ? nil : head.sequence, lastHash: head.sequence == 0 ? nil : head.hash, db)
                guard let seal = try make(basis) else { return nil }
                try Self.insert(seal, db)
                return seal
            }
        }
    }

    public func auditSeals() async throws -> [AuditSeal] {
        try await blocking { [database] in
            try database.read { db in
                try db.query("SELECT number, kind, last_sequence, created_at, body, signature FROM audit_seals ORDER BY number") {
                    (row) throws(SQLiteError) in
                    guard let kind = AuditSeal.Kind(rawValue: row.text(1)) else {
                        throw SQLiteError(code: -1, message: "audit seal \(row.int(0)) has an unknown kind")
                    }
                    return AuditSeal(
                        number: row.int(0), kind: kind, lastSequence: row.int(2), time: Date(timeIntervalSince1970: row.double(3)),
                        body: row.blob(4), signature: row.blob(5)
                    )
                }
            }
        }
    }

    public func pruneAuditRecords(before date: Date, checkpoint make: @escaping @Sendable (AuditSealBasis) throws -> AuditSeal) async throws -> Int {
        try await blocking { [database] in
            try database.transaction { db in
                // Only a prefix of the chain goes: up to the record before the first one at or after `date`.
                let firstKept = try db.query(
                    "SELECT min(sequence) FROM audit_records WHERE event_time >= ?", [.real(date.timeIntervalSince1970)]
                ) { row in row.isNull(0) ? nil : row.int(0) }.first ?? nil
                let last = try db.query(
                    "SELECT sequence, hash FROM audit_records WHERE sequence < ? ORDER BY sequence DESC LIMIT 1",
                    [.integer(firstKept ?? Int64.max)]
                ) { row in ChainHead(sequence: row.int(0), hash: row.blob(1)) }.first
                guard let last else { return 0 }
                try Self.insert(try make(try Self.sealBasis(lastSequence: last.sequence, lastHash: last.hash, db)), db)
                try db.run("DELETE FROM audit_search_resources WHERE sequence <= ?", [.integer(last.sequence)])
                try db.run("DELETE FROM audit_search WHERE sequence <= ?", [.integer(last.sequence)])
                try db.run("DELETE FROM audit_records WHERE sequence <= ?", [.integer(last.sequence)])
                return db.changes
            }
        }
    }

    private static func sealBasis(lastSequence: Int64?, lastHash: [UInt8]?, _ db: Connection) throws -> AuditSealBasis {
        let previous = try db.query("SELECT number, body FROM audit_seals ORDER BY number DESC LIMIT 1") { row in
            (number: row.int(0), body: row.blob(1))
        }.first
        let previousDigest = try db.query("SELECT max(last_sequence) FROM audit_seals WHERE kind = 'digest'") { row in row.int(0) }.first ?? 0
        return AuditSealBasis(
            number: (previous?.number ?? 0) + 1, lastSequence: lastSequence, lastHash: lastHash,
            previousDigestSequence: previousDigest, previousSealHash: previous.map { AuditChain.sealHash($0.body) } ?? AuditChain.genesis,
            time: Date()
        )
    }

    private static func insert(_ seal: AuditSeal, _ db: Connection) throws {
        try db.run(
            "INSERT INTO audit_seals (number, kind, last_sequence, created_at, body, signature) VALUES (?, ?, ?, ?, ?, ?)",
            [.integer(seal.number), .text(seal.kind.rawValue), .integer(seal.lastSequence), .real(seal.time.timeIntervalSince1970),
             .blob(seal.body), .blob(seal.signature)]
        )
    }
}
