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
        // IAM: users gain IDs, access keys a status; roles, tags, inline and
        // managed policies and their attachments. KMS grants.
        """
        ALTER TABLE users ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
        UPDATE users SET user_id = 'AIDA' || substr(hex(randomblob(9)), 1, 17);
        ALTER TABLE access_keys ADD COLUMN status TEXT NOT NULL DEFAULT 'Active';
        CREATE INDEX access_keys_by_user ON access_keys (user_name, created_at);
        -- IAM names are unique without regard to case.
        CREATE UNIQUE INDEX users_name_nocase ON users (name COLLATE NOCASE);
        CREATE TABLE roles (
            name TEXT PRIMARY KEY,
            role_id TEXT NOT NULL,
            trust_policy TEXT NOT NULL,
            description TEXT,
            max_session_duration INTEGER NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE UNIQUE INDEX roles_name_nocase ON roles (name COLLATE NOCASE);
        CREATE TABLE principal_tags (
            owner_kind TEXT NOT NULL,
            owner_name TEXT NOT NULL,
            tag_key TEXT NOT NULL,
            tag_value TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (owner_kind, owner_name, tag_key)
        );
        CREATE TABLE managed_policies (
            arn TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            policy_id TEXT NOT NULL,
            document TEXT NOT NULL,
            description TEXT,
            created_at REAL NOT NULL
        );
        CREATE UNIQUE INDEX managed_policies_name_nocase ON managed_policies (name COLLATE NOCASE);
        CREATE TABLE inline_policies (
            owner_kind TEXT NOT NULL,
            owner_name TEXT NOT NULL,
            name TEXT NOT NULL,
            document TEXT NOT NULL,
            PRIMARY KEY (owner_kind, owner_name, name)
        );
        CREATE TABLE policy_attachments (
            owner_kind TEXT NOT NULL,
            owner_name TEXT NOT NULL,
            policy_arn TEXT NOT NULL REFERENCES managed_policies(arn),
            PRIMARY KEY (owner_kind, owner_name, policy_arn)
        );
        CREATE INDEX policy_attachments_by_policy ON policy_attachments (policy_arn);
        CREATE TABLE grants (
            id TEXT PRIMARY KEY,
            key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
            token TEXT NOT NULL UNIQUE,
            name TEXT,
            grantee TEXT NOT NULL,
            retiring TEXT,
            operations TEXT NOT NULL,
            constraints TEXT,
            issuing_account TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX grants_by_key ON grants (key_id, created_at);
        CREATE INDEX grants_by_retiring ON grants (retiring, created_at);
        """,
        // Rotation: a key's automatic schedule, and how each later version came to be.
        """
        ALTER TABLE keys ADD COLUMN rotation_period_days INTEGER;
        ALTER TABLE keys ADD COLUMN next_rotation_date REAL;
        CREATE INDEX keys_due_for_rotation ON keys (next_rotation_date) WHERE next_rotation_date IS NOT NULL;
        ALTER TABLE key_versions ADD COLUMN rotation_type TEXT;
        """,
        // The last cryptographic use of each key, for GetKeyLastUsage.
        """
        CREATE TABLE key_usage (
            key_id TEXT PRIMARY KEY REFERENCES keys(id) ON DELETE CASCADE,
            operation TEXT NOT NULL,
            used_at REAL NOT NULL,
            request_id TEXT NOT NULL
        );
        """,
        // The audit trail: records in one hash chain, with the fields
        // LookupEvents searches by; the chain's head; signed seals. The
        // earlier opaque log was never written by a server.
        """
        DROP TABLE audit_log;
        CREATE TABLE audit_records (
            sequence INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL,
            event_time REAL NOT NULL,
            event_name TEXT NOT NULL,
            event_source TEXT NOT NULL,
            read_only INTEGER NOT NULL,
            username TEXT,
            access_key_id TEXT,
            record BLOB NOT NULL,
            previous_hash BLOB NOT NULL,
            hash BLOB NOT NULL
        );
        CREATE INDEX audit_by_time ON audit_records (event_time);
        CREATE INDEX audit_by_name ON audit_records (event_name, sequence);
        CREATE INDEX audit_by_username ON audit_records (username, sequence) WHERE username IS NOT NULL;
        CREATE INDEX audit_by_access_key ON audit_records (access_key_id, sequence) WHERE access_key_id IS NOT NULL;
        CREATE INDEX audit_by_event_id ON audit_records (event_id);
        CREATE TABLE audit_resources (
            sequence INTEGER NOT NULL,
            resource_type TEXT NOT NULL,
            resource_name TEXT NOT NULL
        );
        CREATE INDEX audit_resources_by_name ON audit_resources (resource_name, sequence);
        CREATE INDEX audit_resources_by_sequence ON audit_resources (sequence);
        CREATE TABLE audit_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            sequence INTEGER NOT NULL,
            hash BLOB NOT NULL
        );
        CREATE TABLE audit_seals (
            number INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            last_sequence INTEGER NOT NULL,
            created_at REAL NOT NULL,
            body BLOB NOT NULL,
            signature BLOB NOT NULL
        );
        """,
        // The CloudTrail event of each key's last use, for GetKeyLastUsage.
        """
        ALTER TABLE key_usage ADD COLUMN event_id TEXT;
        """,
        // Imported key material (Origin EXTERNAL): the key's current expiry,
        // and per version its fingerprint, state and expiry.
        """
        ALTER TABLE keys ADD COLUMN expiration_model TEXT;
        ALTER TABLE keys ADD COLUMN valid_to REAL;
        ALTER TABLE key_versions ADD COLUMN import_fingerprint BLOB;
        ALTER TABLE key_versions ADD COLUMN import_deleted INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE key_versions ADD COLUMN import_pending_rotation INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE key_versions ADD COLUMN import_expiration_model TEXT;
        ALTER TABLE key_versions ADD COLUMN import_valid_to REAL;
        ALTER TABLE key_versions ADD COLUMN import_description TEXT;
        CREATE INDEX key_versions_expiring ON key_versions (import_valid_to)
            WHERE import_expiration_model = 'KEY_MATERIAL_EXPIRES' AND import_deleted = 0;
        """,
        // Custom key stores, the HSM clusters (PKCS#11 tokens) they use, and the store of each key in one.
        """
        CREATE TABLE hsm_clusters (
            id TEXT PRIMARY KEY,
            module_path TEXT NOT NULL,
            token_label TEXT NOT NULL,
            token_serial TEXT NOT NULL,
            trust_anchor_certificate TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE TABLE custom_key_stores (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            cloud_hsm_cluster_id TEXT,
            trust_anchor_certificate TEXT,
            sealed_password BLOB,
            connect_requested INTEGER NOT NULL,
            created_at REAL NOT NULL,
            revision INTEGER NOT NULL DEFAULT 0,
            xks_uri_endpoint TEXT,
            xks_uri_path TEXT,
            xks_access_key_id TEXT
        );
        ALTER TABLE keys ADD COLUMN custom_key_store_id TEXT;
        ALTER TABLE keys ADD COLUMN xks_key_id TEXT;
        CREATE INDEX keys_by_custom_key_store ON keys (custom_key_store_id) WHERE custom_key_store_id IS NOT NULL;
        CREATE UNIQUE INDEX keys_by_external_key ON keys (custom_key_store_id, xks_key_id) WHERE xks_key_id IS NOT NULL;
        """,
        // The audit search index leaves the commit path. A record's commit
        // writes one row: its resources move into it as a JSON array, and the
        // tables LookupEvents searches are filled from the records in large
        // batches (`SQLiteMetadataStore.indexAuditSearch`), up to
        // `audit_search_state.indexed_through`. Their seven indexes had cost
        // about a sixth of the audited throughput.
        """
        ALTER TABLE audit_records ADD COLUMN resources TEXT NOT NULL DEFAULT '[]';
        UPDATE audit_records SET resources = (
            SELECT json_group_array(json_object('type', resource_type, 'name', resource_name))
            FROM (SELECT resource_type, resource_name FROM audit_resources WHERE sequence = audit_records.sequence ORDER BY rowid)
        ) WHERE sequence IN (SELECT sequence FROM audit_resources);
        DROP TABLE audit_resources;
        DROP INDEX audit_by_time;
        DROP INDEX audit_by_name;
        DROP INDEX audit_by_username;
        DROP INDEX audit_by_access_key;
        DROP INDEX audit_by_event_id;
        CREATE TABLE audit_search (
            sequence INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL,
            event_time REAL NOT NULL,
            event_name TEXT NOT NULL,
            event_source TEXT NOT NULL,
            read_only INTEGER NOT NULL,
            username TEXT,
            access_key_id TEXT
        );
        CREATE INDEX audit_search_by_time ON audit_search (event_time);
        CREATE INDEX audit_search_by_name ON audit_search (event_name, sequence);
        CREATE INDEX audit_search_by_username ON audit_search (username, sequence) WHERE username IS NOT NULL;
        CREATE INDEX audit_search_by_access_key ON audit_search (access_key_id, sequence) WHERE access_key_id IS NOT NULL;
        CREATE INDEX audit_search_by_event_id ON audit_search (event_id);
        CREATE TABLE audit_search_resources (
            sequence INTEGER NOT NULL,
            position INTEGER NOT NULL,
            resource_type TEXT NOT NULL,
            resource_name TEXT NOT NULL,
            PRIMARY KEY (sequence, position)
        ) WITHOUT ROWID;
        CREATE INDEX audit_search_resources_by_name ON audit_search_resources (resource_name, sequence);
        CREATE TABLE audit_search_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            indexed_through INTEGER NOT NULL
        );
        INSERT INTO audit_search_state (id, indexed_through) VALUES (1, 0);
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
