public struct UpdateKeyDescriptionRequest: Codable, Sendable {
    public var KeyId: String
    public var Description: String
}
