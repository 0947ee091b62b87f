public import Foundation

public struct GetKeyRotationStatusRequest: Codable, Sendable {
    public var KeyId: String
}

public struct GetKeyRotationStatusResponse: Codable, Sendable {
    public var KeyRotationEnabled: Bool
    public var KeyId: String
    public var RotationPeriodInDays: Int?
    public var NextRotationDate: Date?
    public var OnDemandRotationStartDate: Date?
    public init(KeyRotationEnabled: Bool, KeyId: String, RotationPeriodInDays: Int?, NextRotationDate: Date?) {
        self.KeyRotationEnabled = KeyRotationEnabled
        self.KeyId = KeyId
        self.RotationPeriodInDays = RotationPeriodInDays
        self.NextRotationDate = NextRotationDate
        self.OnDemandRotationStartDate = nil
    }
}
