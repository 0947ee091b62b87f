public import Foundation

public struct DeriveSharedSecretRequest: Codable, Sendable, DryRunnableRequest {
    public var KeyId: String
    public var KeyAgreementAlgorithm: String
    public var PublicKey: Data
    public var GrantTokens: [String]?
    public var DryRun: Bool?
    public var Recipient: RecipientInfo?
}

public struct DeriveSharedSecretResponse: Codable, Sendable {
    public var KeyId: String
    public var SharedSecret: Data
    public var KeyAgreementAlgorithm: String
    public var KeyOrigin: String
    public init(KeyId: String, SharedSecret: Data, KeyAgreementAlgorithm: String, KeyOrigin: String) {
        self.KeyId = KeyId
        self.SharedSecret = SharedSecret
        self.KeyAgreementAlgorithm = KeyAgreementAlgorithm
        self.KeyOrigin = KeyOrigin
    }
}
