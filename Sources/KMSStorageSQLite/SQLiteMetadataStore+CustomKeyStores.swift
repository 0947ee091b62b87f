import Foundation
public import KMSCore

extension SQLiteMetadataStore {
    public func customKeyStores() async throws -> [CustomKeyStoreRecord] {
        try await blocking { [database] in
            try database.read { db in
                try db.query("SELECT \(Self.storeColumns) FROM custom_key_stores ORDER BY created_at, id", row: Self.storeRow)
            }
        }
    }

    public func customKeyStore(_ id: String) async throws -> CustomKeyStoreRecord? {
        try await blocking { [database] in
            try database.read { db in
                try db.query("SELECT \(Self.storeColumns) FROM custom_key_stores WHERE id = ?", [.text(id)], row: Self.storeRow).first
            }
        }
    }

    public func hsmClusters() async throws -> [HSMClusterRecord] {
        try await blocking { [database] in
            try database.read { db in
                try db.query(
                    "SELECT id, module_path, token_label, token_serial, trust_anchor_certificate, created_at FROM hsm_clusters ORDER BY created_at, id"
                ) { row in
                    HSMClusterRecord(
                        id: row.text(0), modulePath: row.text(1), tokenLabel: row.text(2), tokenSerial: row.text(3),
                        trustAnchorCertificate: row.text(4), createdAt: Date(timeIntervalSince1970: row.double(5))
                    )
                }
            }
        }
    }

    private static let storeColumns =
        "id, name, type, cloud_hsm_cluster_id, trust_anchor_certificate, sealed_password, connect_requested, created_at, revision, xks_uri_endpoint, xks_uri_path, xks_access_key_id"

    private static func storeRow(_ row: SQLiteRow) throws(SQLiteError) -> CustomKeyStoreRecord {
        guard let type = CustomKeyStoreType(rawValue: row.text(2)) else {
            throw SQLiteError(code: -1, message: "custom key store \(row.text(0)) has an unknown type")
        }
        var store = CustomKeyStoreRecord(
            id: row.text(0), name: row.text(1), type: type, cloudHsmClusterID: row.isNull(3) ? nil : row.text(3),
            trustAnchorCertificate: row.isNull(4) ? nil : row.text(4), sealedPassword: row.isNull(5) ? nil : row.blob(5),
            connectRequested: row.int(6) != 0, createdAt: Date(timeIntervalSince1970: row.double(7)), revision: row.int(8)
        )
        store.xksProxyURIEndpoint = row.isNull(9) ? nil : row.text(9)
        store.xksProxyURIPath = row.isNull(10) ? nil : row.text(10)
        store.xksProxyAccessKeyID = row.isNull(11) ? nil : row.text(11)
        return store
    }

    static func applyCustomKeyStoreWrite(_ write: StoreWrite, _ db: Connection) throws {
        switch write {
        case .createCustomKeyStore(let store):
            try nameUnique(store) { () throws(SQLiteError) in
                try db.run(
                    """
                    INSERT INTO custom_key_stores (id, name, type, cloud_hsm_cluster_id, trust_anchor_certificate, sealed_password,
                                                   connect_requested, created_at, xks_uri_endpoint, xks_uri_path, xks_access_key_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [.text(store.id), .text(store.name), .text(store.type.rawValue), store.cloudHsmClusterID.map { .text($0) } ?? .null,
                     store.trustAnchorCertificate.map { .text($0) } ?? .null, store.sealedPassword.map { .blob($0) } ?? .null,
                     .integer(store.connectRequested ? 1 : 0), .real(store.createdAt.timeIntervalSince1970)] + xksColumns(store)
                )
            }
        case .updateCustomKeyStore(let store):
            try nameUnique(store) { () throws(SQLiteError) in
                try db.run(
                    """
                    UPDATE custom_key_stores SET name = ?, cloud_hsm_cluster_id = ?, trust_anchor_certificate = ?, sealed_password = ?,
                                                 connect_requested = ?, xks_uri_endpoint = ?, xks_uri_path = ?, xks_access_key_id = ?,
                                                 revision = revision + 1
                    WHERE id = ? AND revision = ?
                    """,
                    [.text(store.name), store.cloudHsmClusterID.map { .text($0) } ?? .null, store.trustAnchorCertificate.map { .text($0) } ?? .null,
                     store.sealedPassword.map { .blob($0) } ?? .null, .integer(store.connectRequested ? 1 : 0)] + xksColumns(store)
                        + [.text(store.id), .integer(store.revision)]
                )
            }
            guard db.changes == 1 else { throw ConditionFailed() }
        case .deleteCustomKeyStore(let id):
            let keys = try db.query("SELECT COUNT(*) FROM keys WHERE custom_key_store_id = ?", [.text(id)]) { row in row.int(0) }.first ?? 0
            guard keys == 0 else {
                throw KMSError(.customKeyStoreHasCMKs, "Custom key store \(id) still holds \(keys) KMS key(s); delete them first.")
            }
            try db.run("DELETE FROM custom_key_stores WHERE id = ?", [.text(id)])
            guard db.changes == 1 else { throw KMSError(.customKeyStoreNotFound, "Custom key store \(id) is not found.") }
        case .registerHSMCluster(let cluster):
            do {
                try db.run(
                    """
                    INSERT INTO hsm_clusters (id, module_path, token_label, token_serial, trust_anchor_certificate, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [.text(cluster.id), .text(cluster.modulePath), .text(cluster.tokenLabel), .text(cluster.tokenSerial),
                     .text(cluster.trustAnchorCertificate), .real(cluster.createdAt.timeIntervalSince1970)]
                )
            } catch {
                guard error.isConstraintViolation else { throw error }
                throw KMSError(.alreadyExists, "HSM cluster \(cluster.id) is already registered.")
            }
        default:
            preconditionFailure("not a custom key store write: \(write)")
        }
    }

    /// xks_uri_endpoint, xks_uri_path, xks_access_key_id.
    private static func xksColumns(_ store: CustomKeyStoreRecord) -> [SQLiteValue] {
        [store.xksProxyURIEndpoint, store.xksProxyURIPath, store.xksProxyAccessKeyID].map { $0.map { .text($0) } ?? .null }
    }

    /// Runs a write whose only UNIQUE constraint beyond the ID is the store's name.
    private static func nameUnique(_ store: CustomKeyStoreRecord, _ body: () throws(SQLiteError) -> Void) throws {
        do {
            try body()
        } catch {
            guard error.isConstraintViolation else { throw error }
            throw KMSError(.customKeyStoreNameInUse, "A custom key store with the name \(store.name) already exists.")
        }
    }
}
