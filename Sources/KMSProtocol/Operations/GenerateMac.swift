public import Foundation

public struct GenerateMacRequest: Codable, Sendable, DryRunnableRequest {
    public var Message: Data
    public var KeyId: String
    public var MacAlgorithm: String
    public var GrantTokens: [String]?
    public var DryRun: Bool?
}

public struct GenerateMacResponse: Codable, Sendable {
    public var Mac: Data
    public var MacAlgorithm: String
    public var KeyId: String
    public init(Mac: Data, MacAlgorithm: String, KeyId: String) {
        self.Mac = Mac
        self.MacAlgorithm = MacAlgorithm
        self.KeyId = KeyId
    }
}
