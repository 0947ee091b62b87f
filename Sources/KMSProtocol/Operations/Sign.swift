public import Foundation

public struct SignRequest: Codable, Sendable, DryRunnableRequest {
    public var KeyId: String
    public var Message: Data
    public var MessageType: String?
    public var GrantTokens: [String]?
    public var SigningAlgorithm: String
    public var DryRun: Bool?
}

public struct SignResponse: Codable, Sendable {
    public var KeyId: String
    public var Signature: Data
    public var SigningAlgorithm: String
    public init(KeyId: String, Signature: Data, SigningAlgorithm: String) {
        self.KeyId = KeyId
        self.Signature = Signature
        self.SigningAlgorithm = SigningAlgorithm
    }
}
