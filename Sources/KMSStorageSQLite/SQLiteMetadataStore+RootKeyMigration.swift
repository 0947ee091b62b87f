import Foundation
public import KMSCore
public import KMSCrypto

/// Something stored sealed under the root key, as `trent root-key migrate` moves it to another.
public struct RootKeySealedItem: Sendable, Hashable {
    public enum Owner: Sendable, Hashable {
        case keyVersion(KeyID, version: UInt32, format: WrappingFormat, spec: KeySpec)
        case accessKeySecret(String)
        case customKeyStorePassword(String)
        case setting(String)
    }

    public var owner: Owner
    public var sealed: [UInt8]

    public init(owner: Owner, sealed: [UInt8]) {
        self.owner = owner
        self.sealed = sealed
    }
}

extension SQLiteMetadataStore {
    /// Everything sealed under the root key: wrapped key versions (not those in
    /// a custom key store, nor deleted imported material), access-key secrets,
    /// custom key store passwords and the named settings.
    public func rootKeySealedItems(settings: [String]) async throws -> [RootKeySealedItem] {
        try await blocking { [database] in
            try database.read { db in
                var items = try db.query(
                    "SELECT key_id, version, key_spec, wrapping_format, wrapped_material FROM key_versions WHERE length(wrapped_material) > 0 ORDER BY key_id, version"
                ) { (row) throws(SQLiteError) -> RootKeySealedItem? in
                    guard let id = KeyID(row.text(0)), let spec = KeySpec(rawValue: row.text(2)), let format = WrappingFormat(rawValue: Int(row.int(3))) else {
                        throw SQLiteError(code: -1, message: "version \(row.int(1)) of key \(row.text(0)) has an unknown key, spec or wrapping format")
                    }
                    guard format != .customKeyStore else { return nil }
                    return RootKeySealedItem(owner: .keyVersion(id, version: UInt32(row.int(1)), format: format, spec: spec), sealed: row.blob(4))
                }.compactMap { $0 }
                items += try db.query("SELECT id, sealed_secret FROM access_keys ORDER BY id") { row in
                    RootKeySealedItem(owner: .accessKeySecret(row.text(0)), sealed: row.blob(1))
                }
                items += try db.query("SELECT id, sealed_password FROM custom_key_stores WHERE sealed_password IS NOT NULL ORDER BY id") { row in
                    RootKeySealedItem(owner: .customKeyStorePassword(row.text(0)), sealed: row.blob(1))
                }
                for name in settings {
                    items += try db.query("SELECT value FROM settings WHERE name = ?", [.text(name)]) { row in
                        RootKeySealedItem(owner: .setting(name), sealed: row.blob(0))
                    }
                }
                return items
            }
        }
    }

    /// Stores every item's new sealed bytes in one transaction: all of them or none.
    public func replaceRootKeySealedItems(_ items: [RootKeySealedItem]) async throws {
        try await blocking { [database] in
            try database.transaction { db in
                for item in items {
                    switch item.owner {
                    case .keyVersion(let id, let version, _, _):
                        try db.run(
                            "UPDATE key_versions SET wrapped_material = ? WHERE key_id = ? AND version = ?",
                            [.blob(item.sealed), .text(id.description), .integer(Int64(version))]
                        )
                    case .accessKeySecret(let id):
                        try db.run("UPDATE access_keys SET sealed_secret = ? WHERE id = ?", [.blob(item.sealed), .text(id)])
                    case .customKeyStorePassword(let id):
                        try db.run("UPDATE custom_key_stores SET sealed_password = ? WHERE id = ?", [.blob(item.sealed), .text(id)])
                    case .setting(let name):
                        try db.run("UPDATE settings SET value = ? WHERE name = ?", [.blob(item.sealed), .text(name)])
                    }
                    guard db.changes == 1 else { throw SQLiteError(code: -1, message: "\(item.owner) vanished during the migration") }
                }
            }
        }
    }
}
