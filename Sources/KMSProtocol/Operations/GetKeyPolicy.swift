public struct GetKeyPolicyRequest: Codable, Sendable {
    public var KeyId: String
    public var PolicyName: String?
}

public struct GetKeyPolicyResponse: Codable, Sendable {
    public var Policy: String
    public var PolicyName: String
    public init(Policy: String, PolicyName: String) {
        self.Policy = Policy
        self.PolicyName = PolicyName
    }
}
