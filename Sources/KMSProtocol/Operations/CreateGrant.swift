public struct CreateGrantRequest: Codable, Sendable, DryRunnableRequest {
    public var KeyId: String
    public var GranteePrincipal: String
    public var RetiringPrincipal: String?
    public var Operations: [String]
    public var Constraints: GrantConstraintsShape?
    public var GrantTokens: [String]?
    public var Name: String?
    public var DryRun: Bool?
}

/// `GrantConstraints` on the wire.
public struct GrantConstraintsShape: Codable, Sendable, Hashable {
    public var EncryptionContextSubset: [String: String]?
    public var EncryptionContextEquals: [String: String]?
    public init(EncryptionContextSubset: [String: String]?, EncryptionContextEquals: [String: String]?) {
        self.EncryptionContextSubset = EncryptionContextSubset
        self.EncryptionContextEquals = EncryptionContextEquals
    }
}

public struct CreateGrantResponse: Codable, Sendable {
    public var GrantToken: String
    public var GrantId: String
    public init(GrantToken: String, GrantId: String) {
        self.GrantToken = GrantToken
        self.GrantId = GrantId
    }
}
