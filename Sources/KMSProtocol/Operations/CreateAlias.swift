public struct CreateAliasRequest: Codable, Sendable {
    public var AliasName: String
    public var TargetKeyId: String
}
