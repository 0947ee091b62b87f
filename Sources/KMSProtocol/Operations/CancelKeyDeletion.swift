public struct CancelKeyDeletionRequest: Codable, Sendable {
    public var KeyId: String
}

public struct CancelKeyDeletionResponse: Codable, Sendable {
    public var KeyId: String
    public init(KeyId: String) { self.KeyId = KeyId }
}
