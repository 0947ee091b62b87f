public import Foundation

/// Durable storage for keys, aliases, identities and service settings.
///
/// Implementations must make every completed write durable before returning:
/// an answered CreateKey survives a crash. Errors other than `KMSError`
/// are treated as internal failures by the service boundary.
public protocol MetadataStore: Sendable {
    // MARK: keys
    func createKey(_ record: KeyRecord, firstVersion: WrappedKeyVersion) async throws
    func key(_ id: KeyID) async throws -> KeyRecord?
    func keyVersion(_ id: KeyID, version: UInt32) async throws -> WrappedKeyVersion?
    /// Replaces the mutable fields (state, description, deletion schedule,
    /// current version) of a key, but only if it is still at `record.revision`;
    /// the stored revision then advances by one. Returns false, changing
    /// nothing, when the key has changed or gone since it was read.
    func updateKey(_ record: KeyRecord) async throws -> Bool
    /// Destroys the key with all its versions, tags and aliases, but only if it
    /// is still pending deletion with a date at or before `now`; atomic, so a
    /// concurrent CancelKeyDeletion wins or loses cleanly. Returns whether it did.
    func destroyKeyIfDue(_ id: KeyID, now: Date) async throws -> Bool
    /// Keys in ascending ID order, strictly after `marker`.
    func listKeys(after marker: KeyID?, limit: Int) async throws -> [KeyRecord]
    func keysPendingDeletion(dueBy date: Date) async throws -> [KeyID]

    // MARK: aliases
    /// Throws `KMSError` `.alreadyExists` when the name is taken.
    func createAlias(_ alias: AliasRecord) async throws
    func updateAlias(_ alias: AliasRecord) async throws
    func deleteAlias(named name: String) async throws
    func alias(named name: String) async throws -> AliasRecord?
    /// Aliases in ascending name order, strictly after `marker`, optionally of one key.
    func listAliases(for keyID: KeyID?, after marker: String?, limit: Int) async throws -> [AliasRecord]

    // MARK: identities
    /// Throws `KMSError` `.alreadyExists` when the user exists.
    func createUser(_ user: UserRecord) async throws
    func user(named name: String) async throws -> UserRecord?
    func listUsers() async throws -> [UserRecord]
    func createAccessKey(_ key: AccessKeyRecord) async throws
    func accessKey(_ id: String) async throws -> AccessKeyRecord?
    func listAccessKeys(userName: String) async throws -> [AccessKeyRecord]
    /// Returns whether the user had that key.
    func deleteAccessKey(_ id: String, userName: String) async throws -> Bool

    // MARK: service settings
    func setting(_ name: String) async throws -> [UInt8]?
    /// Stores the value only if the setting is unset; returns the value now stored.
    func initializeSetting(_ name: String, to value: [UInt8]) async throws -> [UInt8]
}

public struct UserRecord: Sendable, Hashable {
    public var name: String
    public var createdAt: Date
    public init(name: String, createdAt: Date) {
        self.name = name
        self.createdAt = createdAt
    }
}

/// An access key. The secret is stored only sealed under the root key,
/// because SigV4 verification needs the secret itself, so it cannot be hashed.
public struct AccessKeyRecord: Sendable, Hashable {
    public var id: String
    public var userName: String
    public var sealedSecret: [UInt8]
    public var createdAt: Date
    public init(id: String, userName: String, sealedSecret: [UInt8], createdAt: Date) {
        self.id = id
        self.userName = userName
        self.sealedSecret = sealedSecret
        self.createdAt = createdAt
    }
}
