public import Foundation

public struct VerifyRequest: Codable, Sendable, DryRunnableRequest {
    public var KeyId: String
    public var Message: Data
    public var MessageType: String?
    public var Signature: Data
    public var SigningAlgorithm: String
    public var GrantTokens: [String]?
    public var DryRun: Bool?
}

public struct VerifyResponse: Codable, Sendable {
    public var KeyId: String
    public var SignatureValid: Bool
    public var SigningAlgorithm: String
    public init(KeyId: String, SignatureValid: Bool, SigningAlgorithm: String) {
        self.KeyId = KeyId
        self.SignatureValid = SignatureValid
        self.SigningAlgorithm = SigningAlgorithm
    }
}
