public struct RotateKeyOnDemandRequest: Codable, Sendable {
    public var KeyId: String
}

public struct RotateKeyOnDemandResponse: Codable, Sendable {
    public var KeyId: String
    public init(KeyId: String) {
        self.KeyId = KeyId
    }
}
