import CSQLite
import Foundation

/// A single SQLite connection with a statement cache, serialized by a mutex.
///
/// Every call blocks; `SQLiteMetadataStore` runs them on NIO's thread pool so
/// the event loops and the cooperative pool never wait on disk.
final class SQLiteDatabase: @unchecked Sendable {
    // @unchecked: `state` (the connection and its statement cache) is only
    // touched while `lock` is held, which serializes every use of the handle.
    private let lock = NSLock()
    private let state: State

    final class State {
        let handle: OpaquePointer
        var statements: [String: OpaquePointer] = [:]
        init(handle: OpaquePointer) { self.handle = handle }
    }

    /// Opens (creating if needed) the database in WAL mode with
    /// `synchronous=FULL`, so a committed transaction survives power loss and
    /// `kill -9` alike.
    init(path: String, readOnly: Bool = false) throws {
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw SQLiteError(code: rc, message: message)
        }
        state = State(handle: handle)
        sqlite3_busy_timeout(handle, 5_000)
        if !readOnly {
            // The cache holds the audit trail's tables and indexes, which grow
            // with every request: at SQLite's default of 2 MB, audited Encrypt
            // ran at 5.1k/s against 7.1k (measured when every commit wrote the indexes).
            try read { db in
                try db.executeScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;")
            }
        }
    }

    deinit {
        for statement in state.statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(state.handle)
    }

    /// Runs `body` inside one IMMEDIATE transaction; commits if it returns, rolls back if it throws.
    func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let connection = Connection(state: state)
        try connection.run("BEGIN IMMEDIATE")
        do {
            let result = try body(connection)
            try connection.run("COMMIT")
            return result
        } catch {
            try? connection.run("ROLLBACK")
            throw error
        }
    }

    /// Whether a write could start now: takes the write lock and lets it go,
    /// waiting at most `milliseconds` for another writer instead of the usual 5 s.
    func probeWrite(waitingAtMost milliseconds: Int32) throws {
        lock.lock()
        defer { lock.unlock() }
        sqlite3_busy_timeout(state.handle, milliseconds)
        defer { sqlite3_busy_timeout(state.handle, 5_000) }
        let connection = Connection(state: state)
        try connection.run("BEGIN IMMEDIATE")
        try connection.run("ROLLBACK")
    }

    /// Runs `body` with the connection outside an explicit transaction (single reads).
    func read<T>(_ body: (Connection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(Connection(state: state))
    }
}

/// Access to the connection while the database lock is held; never stored.
struct Connection {
    private let state: SQLiteDatabase.State

    fileprivate init(state: SQLiteDatabase.State) {
        self.state = state
    }

    func run(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) {
        _ = try query(sql, bindings) { _ in () }
    }

    /// Runs a statement and maps each result row; statements are prepared once and cached.
    func query<Row>(_ sql: String, _ bindings: [SQLiteValue] = [], row: (SQLiteRow) throws(SQLiteError) -> Row) throws(SQLiteError) -> [Row] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in bindings.enumerated() {
            let position = Int32(index + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, position)
            case .integer(let int): rc = sqlite3_bind_int64(statement, position, int)
            case .real(let double): rc = sqlite3_bind_double(statement, position, double)
            case .text(let text): rc = Self.bind(text, to: statement, at: position)
            case .blob(let bytes):
                rc = bytes.isEmpty
                    // A null pointer would bind NULL, not an empty blob.
                    ? sqlite3_bind_zeroblob(statement, position, 0)
                    : bytes.withUnsafeBytes { sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
            }
            guard rc == SQLITE_OK else { throw error(rc) }
        }
        var rows: [Row] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(rc) }
            rows.append(try row(SQLiteRow(statement: statement)))
        }
        return rows
    }

    /// Binds with an explicit byte length, so a string with a NUL in it is
    /// stored whole rather than cut at the NUL.
    private static func bind(_ text: String, to statement: OpaquePointer, at position: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            // An empty buffer may have no address, and a null pointer would bind NULL, not "".
            let address = bytes.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(("" as StaticString).utf8Start)
            return sqlite3_bind_text(statement, position, address.assumingMemoryBound(to: CChar.self), Int32(bytes.count), SQLITE_TRANSIENT)
        }
    }

    /// Runs several `;`-separated statements that return no rows (migrations).
    func executeScript(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(state.handle, sql, nil, nil, &errorMessage)
        guard rc == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? "error"
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message)
        }
    }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(state.handle)) }

    private func prepared(_ sql: String) throws(SQLiteError) -> OpaquePointer {
        if let cached = state.statements[sql] { return cached }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(state.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc) }
        state.statements[sql] = statement
        return statement
    }

    private func error(_ rc: Int32) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(state.handle)))
    }
}

/// SQLite's destructor constant, which the C macro casts from -1.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

enum SQLiteValue: Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

struct SQLiteRow {
    let statement: OpaquePointer

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    /// Reads the whole value by its byte length, NULs included.
    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}

public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public var description: String { "SQLite error \(code): \(message)" }

    var isConstraintViolation: Bool { code & 0xff == SQLITE_CONSTRAINT }
}
