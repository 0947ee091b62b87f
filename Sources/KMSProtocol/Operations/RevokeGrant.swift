public struct RevokeGrantRequest: Codable, Sendable, DryRunnableRequest {
    public var KeyId: String
    public var GrantId: String
    public var DryRun: Bool?
}
