public import Foundation

public struct VerifyMacRequest: Codable, Sendable, DryRunnableRequest {
    public var Message: Data
    public var KeyId: String
    public var MacAlgorithm: String
    public var Mac: Data
    public var GrantTokens: [String]?
    public var DryRun: Bool?
}

public struct VerifyMacResponse: Codable, Sendable {
    public var KeyId: String
    public var MacValid: Bool
    public var MacAlgorithm: String
    public init(KeyId: String, MacValid: Bool, MacAlgorithm: String) {
        self.KeyId = KeyId
        self.MacValid = MacValid
        self.MacAlgorithm = MacAlgorithm
    }
}
