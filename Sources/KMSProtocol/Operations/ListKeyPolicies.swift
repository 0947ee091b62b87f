public struct ListKeyPoliciesRequest: Codable, Sendable {
    public var KeyId: String
    public var Limit: Int?
    public var Marker: String?
}

public struct ListKeyPoliciesResponse: Codable, Sendable {
    public var PolicyNames: [String]
    public var NextMarker: String?
    public var Truncated: Bool
    public init(PolicyNames: [String], NextMarker: String?, Truncated: Bool) {
        self.PolicyNames = PolicyNames
        self.NextMarker = NextMarker
        self.Truncated = Truncated
    }
}
