public import Foundation
import KMSCrypto

/// Users and their access keys. Authorization beyond "a known identity of this
/// account" arrives with key policies; for now every user may call every
/// implemented operation.
public struct Identities: Sendable {
    public let store: any MetadataStore
    public let sealer: SecretSealer
    public let accountID: String
    public let now: @Sendable () -> Date

    /// The user created on first start; it acts as the account's root identity.
    public static let rootUserName = "root"

    public init(store: any MetadataStore, sealer: SecretSealer, accountID: String, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.sealer = sealer
        self.accountID = accountID
        self.now = now
    }

    /// A new access key as shown once to its owner; the secret is not stored in the clear.
    public struct IssuedAccessKey: Sendable, Codable {
        public var UserName: String
        public var AccessKeyId: String
        public var SecretAccessKey: String
    }

    public func createUser(named name: String) async throws -> IssuedAccessKey {
        try Self.validateUserName(name)
        try await store.createUser(UserRecord(name: name, createdAt: now()))
        return try await createAccessKey(for: name)
    }

    /// Creates a user with credentials chosen by the operator (the root user
    /// from `TRENT_ROOT_ACCESS_KEY_ID`/`TRENT_ROOT_SECRET_ACCESS_KEY`).
    public func createUser(named name: String, accessKeyID: String, secret: String) async throws {
        try Self.validateUserName(name)
        try Self.validateSuppliedCredentials(accessKeyID: accessKeyID, secret: secret)
        try await store.createUser(UserRecord(name: name, createdAt: now()))
        try await store.createAccessKey(AccessKeyRecord(
            id: accessKeyID, userName: name, sealedSecret: try sealer.sealSecret(secret, accessKeyID: accessKeyID), createdAt: now()
        ))
    }

    public func createAccessKey(for userName: String) async throws -> IssuedAccessKey {
        guard try await store.user(named: userName) != nil else {
            throw KMSError.notFound("User \(userName) does not exist.")
        }
        let id = Self.generateAccessKeyID()
        let secret = Self.generateSecret()
        try await store.createAccessKey(AccessKeyRecord(
            id: id, userName: userName, sealedSecret: try sealer.sealSecret(secret, accessKeyID: id), createdAt: now()
        ))
        return IssuedAccessKey(UserName: userName, AccessKeyId: id, SecretAccessKey: secret)
    }

    /// Revokes an access key. A running server stops accepting it once its
    /// credential cache entry expires (`trent serve --credential-cache-seconds`).
    public func deleteAccessKey(_ id: String, of userName: String) async throws {
        guard try await store.deleteAccessKey(id, userName: userName) else {
            throw KMSError.notFound("User \(userName) has no access key \(id).")
        }
    }

    /// The owner and secret of an access key, for SigV4 verification.
    public func credentials(for accessKeyID: String) async throws -> (principal: Principal, secret: String)? {
        guard let record = try await store.accessKey(accessKeyID) else { return nil }
        let secret = try sealer.openSecret(record.sealedSecret, accessKeyID: accessKeyID)
        return (Principal(userName: record.userName, accessKeyID: accessKeyID, accountID: accountID), secret)
    }

    // MARK: formats

    static let accessKeyAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 20 characters like an AWS access key ID, with a prefix that says where it came from.
    static func generateAccessKeyID() -> String {
        "TRNT" + String(decoding: secureRandomBytes(count: 16).map { accessKeyAlphabet[Int($0 % 32)] }, as: UTF8.self)
    }

    /// 40 characters like an AWS secret; 64 divides 256, so every character is uniform.
    static func generateSecret() -> String {
        String(decoding: secureRandomBytes(count: 40).map { secretAlphabet[Int($0 % 64)] }, as: UTF8.self)
    }

    static func validateUserName(_ name: String) throws(KMSError) {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "+=,.@_-".unicodeScalars.contains(scalar))
        }
        guard (1...64).contains(name.unicodeScalars.count), allowed else {
            throw KMSError.validation("User names are 1 to 64 characters of letters, digits and +=,.@_-")
        }
    }

    static func validateSuppliedCredentials(accessKeyID: String, secret: String) throws(KMSError) {
        let idAllowed = accessKeyID.unicodeScalars.allSatisfy { $0.isASCII && CharacterSet.alphanumerics.contains($0) }
        guard (16...128).contains(accessKeyID.count), idAllowed else {
            throw KMSError.validation("An access key ID is 16 to 128 letters and digits.")
        }
        guard secret.count >= 16, secret.count <= 128, secret.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }) else {
            throw KMSError.validation("A secret access key is 16 to 128 printable ASCII characters.")
        }
    }
}
