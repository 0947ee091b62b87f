public struct RetireGrantRequest: Codable, Sendable {
    public var GrantToken: String?
    public var KeyId: String?
    public var GrantId: String?
    public var DryRun: Bool?
}
