public struct DeleteAliasRequest: Codable, Sendable {
    public var AliasName: String
}
