public struct EnableKeyRotationRequest: Codable, Sendable {
    public var KeyId: String
    public var RotationPeriodInDays: Int?
}
