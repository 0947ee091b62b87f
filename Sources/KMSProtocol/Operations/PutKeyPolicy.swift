public struct PutKeyPolicyRequest: Codable, Sendable {
    public var KeyId: String
    public var PolicyName: String?
    public var Policy: String
    public var BypassPolicyLockoutSafetyCheck: Bool?
}
