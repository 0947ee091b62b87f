public struct UpdateAliasRequest: Codable, Sendable {
    public var AliasName: String
    public var TargetKeyId: String
}
