public import Foundation

public struct ListGrantsRequest: Codable, Sendable {
    public var KeyId: String
    public var Limit: Int?
    public var Marker: String?
    public var GrantId: String?
    public var GranteePrincipal: String?
}

public struct GrantListEntry: Codable, Sendable {
    public var KeyId: String
    public var GrantId: String
    public var Name: String?
    public var CreationDate: Date
    public var GranteePrincipal: String
    public var RetiringPrincipal: String?
    public var IssuingAccount: String
    public var Operations: [String]
    public var Constraints: GrantConstraintsShape?
    public init(
        KeyId: String, GrantId: String, Name: String?, CreationDate: Date, GranteePrincipal: String, RetiringPrincipal: String?,
        IssuingAccount: String, Operations: [String], Constraints: GrantConstraintsShape?
    ) {
        self.KeyId = KeyId
        self.GrantId = GrantId
        self.Name = Name
        self.CreationDate = CreationDate
        self.GranteePrincipal = GranteePrincipal
        self.RetiringPrincipal = RetiringPrincipal
        self.IssuingAccount = IssuingAccount
        self.Operations = Operations
        self.Constraints = Constraints
    }
}

/// The answer of ListGrants and ListRetirableGrants.
public struct ListGrantsResponse: Codable, Sendable {
    public var Grants: [GrantListEntry]
    public var NextMarker: String?
    public var Truncated: Bool
    public init(Grants: [GrantListEntry], NextMarker: String?, Truncated: Bool) {
        self.Grants = Grants
        self.NextMarker = NextMarker
        self.Truncated = Truncated
    }
}
