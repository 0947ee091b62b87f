public import Foundation

public struct GetKeyLastUsageRequest: Codable, Sendable {
    public var KeyId: String
}

public struct KeyLastUsage: Codable, Sendable {
    public var Operation: String
    public var Timestamp: Date
    public var KmsRequestId: String
    public var CloudTrailEventId: String?
    public init(Operation: String, Timestamp: Date, KmsRequestId: String, CloudTrailEventId: String?) {
        self.Operation = Operation
        self.Timestamp = Timestamp
        self.KmsRequestId = KmsRequestId
        self.CloudTrailEventId = CloudTrailEventId
    }
}

public struct GetKeyLastUsageResponse: Codable, Sendable {
    public var KeyId: String
    public var KeyLastUsage: KeyLastUsage?
    public var TrackingStartDate: Date
    public var KeyCreationDate: Date
    public init(KeyId: String, KeyLastUsage: KeyLastUsage?, TrackingStartDate: Date, KeyCreationDate: Date) {
        self.KeyId = KeyId
        self.KeyLastUsage = KeyLastUsage
        self.TrackingStartDate = TrackingStartDate
        self.KeyCreationDate = KeyCreationDate
    }
}
