public struct EnableKeyRequest: Codable, Sendable {
    public var KeyId: String
}
