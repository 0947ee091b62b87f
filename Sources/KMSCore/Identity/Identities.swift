public import Foundation
import KMSCrypto

/// Users, roles, access keys and temporary credentials: the rules the IAM
/// and STS operations and the `trent user` / `trent access-key` commands
/// share. Builders return the store writes they imply, so an operation can
/// commit them with its audit record; the convenience methods commit at once.
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

    // MARK: builders

    public func newUser(named name: String, tags: [ResourceTag] = []) throws(KMSError) -> UserRecord {
        try Self.validateName(name, of: "User")
        return UserRecord(name: name, id: Self.generateID(prefix: "AIDA"), createdAt: now(), tags: tags)
    }

    public func newAccessKey(for userName: String) async throws(KMSError) -> (issued: IssuedAccessKey, write: StoreWrite) {
        let id = Self.generateID(prefix: "AKIA", length: 16)
        let secret = Self.generateSecret()
        let record = AccessKeyRecord(id: id, userName: userName, sealedSecret: try await sealer.sealSecret(secret, accessKeyID: id), createdAt: now())
        return (IssuedAccessKey(UserName: userName, AccessKeyId: id, SecretAccessKey: secret), .createAccessKey(record))
    }

    // MARK: commands

    public func createUser(named name: String) async throws -> IssuedAccessKey {
        let user = try newUser(named: name)
        let key = try await newAccessKey(for: name)
        _ = try await store.commit([.createUser(user), key.write])
        return key.issued
    }

    /// Creates a user with credentials chosen by the operator (the root user
    /// from `TRENT_ROOT_ACCESS_KEY_ID`/`TRENT_ROOT_SECRET_ACCESS_KEY`).
    public func createUser(named name: String, accessKeyID: String, secret: String) async throws {
        let user = try newUser(named: name)
        try Self.validateSuppliedCredentials(accessKeyID: accessKeyID, secret: secret)
        let key = AccessKeyRecord(
            id: accessKeyID, userName: name, sealedSecret: try await sealer.sealSecret(secret, accessKeyID: accessKeyID), createdAt: now()
        )
        _ = try await store.commit([.createUser(user), .createAccessKey(key)])
    }

    public func createAccessKey(for userName: String) async throws -> IssuedAccessKey {
        let key = try await newAccessKey(for: userName)
        _ = try await store.commit([key.write])
        return key.issued
    }

    public func deleteAccessKey(_ id: String, of userName: String) async throws {
        _ = try await store.commit([.deleteAccessKey(id: id, userName: userName)])
    }

    /// Deletes a user with everything IAM makes you remove first (access
    /// keys, inline policies, attachments), in one change: the operator's
    /// path, where the IAM API takes one call per item.
    public func deleteUserAndEverythingItHas(named name: String) async throws {
        guard name != Self.rootUserName else { throw KMSError.validation("The root identity cannot be deleted.") }
        guard try await store.user(named: name) != nil else { throw KMSError.notFound("The user with name \(name) cannot be found.") }
        let owner = PolicyOwner.user(name)
        var writes: [StoreWrite] = try await store.listAccessKeys(userName: name).map { .deleteAccessKey(id: $0.id, userName: name) }
        writes += try await store.inlinePolicies(of: owner).map { .deleteInlinePolicy(owner, name: $0.name) }
        writes += try await store.attachedPolicies(of: owner).map { .detachPolicy(owner, arn: $0.arn) }
        _ = try await store.commit(writes + [.deleteUser(name)])
    }

    // MARK: authentication

    /// The owner and secret of an access key, for SigV4 verification. Nil for
    /// an unknown or inactive key, a session token that does not open, or one
    /// that names another key; throws `.expiredToken` for an expired session.
    public func credentials(for accessKeyID: String, sessionToken: String?) async throws -> (principal: Principal, secret: String)? {
        if let sessionToken {
            guard let session = await openSession(sessionToken), session.accessKeyID == accessKeyID else { return nil }
            guard session.expiration > now() else {
                throw KMSError(.expiredToken, "The security token included in the request is expired")
            }
            guard let role = try await store.role(named: session.roleName), role.id == session.roleID else { return nil }
            let principal = Principal(
                session: Principal.RoleSession(
                    roleName: role.name, roleID: role.id, roleARN: roleARN(role.name), sessionName: session.sessionName,
                    expiration: session.expiration, sourceARN: session.sourceARN
                ),
                accessKeyID: accessKeyID, accountID: accountID, tags: Self.tagMap(role.tags)
            )
            return (principal, session.secret)
        }
        guard let record = try await store.accessKey(accessKeyID), record.status == .active,
              let user = try await store.user(named: record.userName)
        else { return nil }
        let secret = try await sealer.openSecret(record.sealedSecret, accessKeyID: accessKeyID)
        let principal = Principal(userName: user.name, userID: user.id, accessKeyID: accessKeyID, accountID: accountID, tags: Self.tagMap(user.tags))
        return (principal, secret)
    }

    // MARK: temporary credentials

    public struct IssuedSession: Sendable {
        public var accessKeyID: String
        public var secret: String
        public var token: String
        public var expiration: Date
        public var assumedRoleID: String
        public var arn: String
    }

    /// What a session token carries, sealed under the root key: the token
    /// is the session, so temporary credentials need no storage and work on
    /// every node that holds the root key.
    private struct SessionClaims: Codable {
        var accessKeyID: String
        var secret: String
        var roleName: String
        var roleID: String
        var sessionName: String
        var expiration: Date
        var sourceARN: String
    }

    public func issueSession(for role: RoleRecord, sessionName: String, duration: Int, source: Principal) async throws(KMSError) -> IssuedSession {
        let claims = SessionClaims(
            accessKeyID: Self.generateID(prefix: "ASIA", length: 16), secret: Self.generateSecret(), roleName: role.name, roleID: role.id,
            sessionName: sessionName, expiration: Date(timeIntervalSince1970: (now().timeIntervalSince1970 + Double(duration)).rounded(.down)),
            sourceARN: source.arn
        )
        let token: String
        do {
            token = Data(try await sealer.seal(try JSONEncoder().encode(claims), purpose: Self.sessionPurpose)).base64EncodedString()
        } catch let error as KMSError {
            throw error
        } catch {
            throw KMSError.internalFailure(error)
        }
        return IssuedSession(
            accessKeyID: claims.accessKeyID, secret: claims.secret, token: token, expiration: claims.expiration,
            assumedRoleID: "\(role.id):\(sessionName)", arn: "arn:aws:sts::\(accountID):assumed-role/\(role.name)/\(sessionName)"
        )
    }

    private func openSession(_ token: String) async -> SessionClaims? {
        guard let sealed = Data(base64Encoded: token),
              let bytes = try? await sealer.open(Array(sealed), purpose: Self.sessionPurpose)
        else { return nil }
        return try? JSONDecoder().decode(SessionClaims.self, from: Data(bytes))
    }

    private static let sessionPurpose = "sts-session-v1"

    // MARK: ARNs

    public func userARN(_ name: String) -> String {
        name == Self.rootUserName ? "arn:aws:iam::\(accountID):root" : "arn:aws:iam::\(accountID):user/\(name)"
    }

    public func roleARN(_ name: String) -> String { "arn:aws:iam::\(accountID):role/\(name)" }
    public func policyARN(_ name: String) -> String { "arn:aws:iam::\(accountID):policy/\(name)" }

    static func tagMap(_ tags: [ResourceTag]) -> [String: String] {
        Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    // MARK: formats

    static let idAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// An identifier in IAM's format: a four-letter prefix that says what it
    /// names (`AKIA` access key, `ASIA` temporary key, `AIDA` user, `AROA`
    /// role, `ANPA` policy) and base-32 characters; 32 divides 256, so each is uniform.
    public static func generateID(prefix: String, length: Int = 17) -> String {
        prefix + String(decoding: secureRandomBytes(count: length).map { idAlphabet[Int($0 % 32)] }, as: UTF8.self)
    }

    /// 40 characters like an AWS secret; 64 divides 256, so every character is uniform.
    static func generateSecret() -> String {
        String(decoding: secureRandomBytes(count: 40).map { secretAlphabet[Int($0 % 64)] }, as: UTF8.self)
    }

    /// IAM's rule for user, role and policy names: 1 to 64 (roles and policies 128) of letters, digits and +=,.@_-
    public static func validateName(_ name: String, of entity: String, maximum: Int = 64) throws(KMSError) {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "+=,.@_-".unicodeScalars.contains(scalar))
        }
        guard (1...maximum).contains(name.unicodeScalars.count), allowed else {
            throw KMSError.validation(
                "\(entity) names are 1 to \(maximum) characters of letters, digits and +=,.@_- ('\(name)' is not)."
            )
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
