public struct DisableKeyRotationRequest: Codable, Sendable {
    public var KeyId: String
}
