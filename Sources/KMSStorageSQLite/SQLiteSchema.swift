/// Schema versions, applied in order inside one transaction; `user_version`
/// records how far a database has come.
enum SQLiteSchema {
    static let migrations: [String] = [
        """
        CREATE TABLE settings (name TEXT PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE keys (
            id TEXT PRIMARY KEY,
            created_at REAL NOT NULL,
            description TEXT NOT NULL,
            key_spec TEXT NOT NULL,
            key_usage TEXT NOT NULL,
            origin TEXT NOT NULL,
            state TEXT NOT NULL,
            deletion_date REAL,
            pending_window_days INTEGER,
            policy TEXT NOT NULL,
            current_version INTEGER NOT NULL,
            revision INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX keys_pending_deletion ON keys (state, deletion_date);
        CREATE TABLE key_versions (
            key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            wrapped_material BLOB NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (key_id, version)
        );
        CREATE TABLE key_tags (
            key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            tag_key TEXT NOT NULL,
            tag_value TEXT NOT NULL,
            PRIMARY KEY (key_id, tag_key)
        );
        CREATE TABLE aliases (
            name TEXT PRIMARY KEY,
            key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE INDEX aliases_by_key ON aliases (key_id, name);
        CREATE TABLE users (name TEXT PRIMARY KEY, created_at REAL NOT NULL);
        CREATE TABLE access_keys (
            id TEXT PRIMARY KEY,
            user_name TEXT NOT NULL REFERENCES users(name),
            sealed_secret BLOB NOT NULL,
            created_at REAL NOT NULL
        );
        """,
        // Key versions name their key spec and how they were wrapped; versions
        // of the first release keep format 1, whose wrapping did not bind the spec.
        // The audit log keeps records committed with the changes they describe.
        """
        ALTER TABLE key_versions ADD COLUMN key_spec TEXT NOT NULL DEFAULT 'SYMMETRIC_DEFAULT';
        ALTER TABLE key_versions ADD COLUMN wrapping_format INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE audit_log (sequence INTEGER PRIMARY KEY AUTOINCREMENT, record BLOB NOT NULL);
        """,
    ]

    static func migrate(_ db: Connection) throws {
        let current = try db.query("PRAGMA user_version") { row in Int(row.int(0)) }.first ?? 0
        guard current <= migrations.count else {
            throw SQLiteError(code: -1, message: "database schema \(current) is newer than this Trent (\(migrations.count))")
        }
        for (index, script) in migrations.enumerated().dropFirst(current) {
            try db.executeScript(script)
            try db.run("PRAGMA user_version = \(index + 1)")
        }
    }
}
