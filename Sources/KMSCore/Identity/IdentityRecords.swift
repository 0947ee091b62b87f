public import Foundation

/// An IAM user. The root identity is stored as the user named `root`.
public struct UserRecord: Sendable, Hashable {
    public var name: String
    /// `AIDA…`, as IAM writes user IDs.
    public var id: String
    public var createdAt: Date
    public var tags: [ResourceTag]
    public init(name: String, id: String, createdAt: Date, tags: [ResourceTag] = []) {
        self.name = name
        self.id = id
        self.createdAt = createdAt
        self.tags = tags
    }
}

public enum AccessKeyStatus: String, Sendable, Hashable {
    case active = "Active"
    case inactive = "Inactive"
}

/// An access key. The secret is stored only sealed under the root key,
/// because SigV4 verification needs the secret itself, so it cannot be hashed.
public struct AccessKeyRecord: Sendable, Hashable {
    public var id: String
    public var userName: String
    public var sealedSecret: [UInt8]
    public var createdAt: Date
    public var status: AccessKeyStatus
    public init(id: String, userName: String, sealedSecret: [UInt8], createdAt: Date, status: AccessKeyStatus = .active) {
        self.id = id
        self.userName = userName
        self.sealedSecret = sealedSecret
        self.createdAt = createdAt
        self.status = status
    }
}

public struct RoleRecord: Sendable, Hashable {
    public var name: String
    /// `AROA…`.
    public var id: String
    /// Who may assume the role: a resource policy evaluated for `sts:AssumeRole`.
    public var trustPolicy: String
    public var description: String?
    public var maxSessionDuration: Int
    public var createdAt: Date
    public var tags: [ResourceTag]
    public init(
        name: String, id: String, trustPolicy: String, description: String?, maxSessionDuration: Int, createdAt: Date,
        tags: [ResourceTag] = []
    ) {
        self.name = name
        self.id = id
        self.trustPolicy = trustPolicy
        self.description = description
        self.maxSessionDuration = maxSessionDuration
        self.createdAt = createdAt
        self.tags = tags
    }
}

/// A customer managed policy (`arn:aws:iam::ACCOUNT:policy/NAME`).
public struct ManagedPolicyRecord: Sendable, Hashable {
    public var arn: String
    public var name: String
    /// `ANPA…`.
    public var id: String
    public var document: String
    public var description: String?
    public var createdAt: Date
    /// How many users and roles it is attached to, as stores read it; ignored when written.
    public var attachmentCount: Int
    public init(arn: String, name: String, id: String, document: String, description: String?, createdAt: Date, attachmentCount: Int = 0) {
        self.arn = arn
        self.name = name
        self.id = id
        self.document = document
        self.description = description
        self.createdAt = createdAt
        self.attachmentCount = attachmentCount
    }
}

/// A user or role, as the holder of identity policies and tags.
public enum PolicyOwner: Sendable, Hashable {
    case user(String)
    case role(String)

    public var name: String {
        switch self {
        case .user(let name), .role(let name): name
        }
    }
}

public struct InlinePolicy: Sendable, Hashable {
    public var name: String
    public var document: String
    public init(name: String, document: String) {
        self.name = name
        self.document = document
    }
}

/// A KMS grant: permission for a grantee to use one key for some operations.
public struct GrantRecord: Sendable, Hashable {
    public var id: String
    public var keyID: KeyID
    /// The secret that retires the grant and that a caller may pass in `GrantTokens`.
    public var token: String
    public var name: String?
    public var granteePrincipal: String
    public var retiringPrincipal: String?
    public var operations: [String]
    public var constraints: GrantConstraints?
    public var issuingAccount: String
    public var createdAt: Date

    public init(
        id: String, keyID: KeyID, token: String, name: String?, granteePrincipal: String, retiringPrincipal: String?,
        operations: [String], constraints: GrantConstraints?, issuingAccount: String, createdAt: Date
    ) {
        self.id = id
        self.keyID = keyID
        self.token = token
        self.name = name
        self.granteePrincipal = granteePrincipal
        self.retiringPrincipal = retiringPrincipal
        self.operations = operations
        self.constraints = constraints
        self.issuingAccount = issuingAccount
        self.createdAt = createdAt
    }
}

/// A grant's condition on the request's encryption context.
public struct GrantConstraints: Sendable, Hashable, Codable {
    public var EncryptionContextEquals: [String: String]?
    public var EncryptionContextSubset: [String: String]?

    public init(EncryptionContextEquals: [String: String]? = nil, EncryptionContextSubset: [String: String]? = nil) {
        self.EncryptionContextEquals = EncryptionContextEquals
        self.EncryptionContextSubset = EncryptionContextSubset
    }
}
