public import Foundation

public struct GetPublicKeyRequest: Codable, Sendable {
    public var KeyId: String
    public var GrantTokens: [String]?
}

public struct GetPublicKeyResponse: Codable, Sendable {
    public var KeyId: String
    public var PublicKey: Data
    public var CustomerMasterKeySpec: String
    public var KeySpec: String
    public var KeyUsage: String
    public var SigningAlgorithms: [String]?
    public var EncryptionAlgorithms: [String]?
    public var KeyAgreementAlgorithms: [String]?
    public init(
        KeyId: String, PublicKey: Data, KeySpec: String, KeyUsage: String, SigningAlgorithms: [String]?, EncryptionAlgorithms: [String]?,
        KeyAgreementAlgorithms: [String]?
    ) {
        self.KeyId = KeyId
        self.PublicKey = PublicKey
        self.CustomerMasterKeySpec = KeySpec
        self.KeySpec = KeySpec
        self.KeyUsage = KeyUsage
        self.SigningAlgorithms = SigningAlgorithms
        self.EncryptionAlgorithms = EncryptionAlgorithms
        self.KeyAgreementAlgorithms = KeyAgreementAlgorithms
    }
}
