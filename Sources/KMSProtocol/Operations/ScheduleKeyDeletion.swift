public import Foundation

public struct ScheduleKeyDeletionRequest: Codable, Sendable {
    public var KeyId: String
    public var PendingWindowInDays: Int?
}

public struct ScheduleKeyDeletionResponse: Codable, Sendable {
    public var KeyId: String
    public var DeletionDate: Date
    public var KeyState: String
    public var PendingWindowInDays: Int
    public init(KeyId: String, DeletionDate: Date, KeyState: String, PendingWindowInDays: Int) {
        self.KeyId = KeyId
        self.DeletionDate = DeletionDate
        self.KeyState = KeyState
        self.PendingWindowInDays = PendingWindowInDays
    }
}
