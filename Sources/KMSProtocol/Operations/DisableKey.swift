public struct DisableKeyRequest: Codable, Sendable {
    public var KeyId: String
}
