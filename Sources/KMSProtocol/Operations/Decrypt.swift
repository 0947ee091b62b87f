public import Foundation

public struct DecryptRequest: Codable, Sendable, DryRunnableRequest {
    public var CiphertextBlob: Data
    public var EncryptionContext: [String: String]?
    public var GrantTokens: [String]?
    public var KeyId: String?
    public var EncryptionAlgorithm: String?
    public var Recipient: RecipientInfo?
    public var DryRun: Bool?
}

/// Nitro Enclaves attestation; accepted so requests decode, rejected as unsupported.
public struct RecipientInfo: Codable, Sendable {
    public var KeyEncryptionAlgorithm: String?
    public var AttestationDocument: Data?
}

public struct DecryptResponse: Codable, Sendable {
    public var KeyId: String
    public var Plaintext: Data
    public var EncryptionAlgorithm: String
    public var KeyMaterialId: String
    public init(KeyId: String, Plaintext: Data, EncryptionAlgorithm: String, KeyMaterialId: String) {
        self.KeyId = KeyId
        self.Plaintext = Plaintext
        self.EncryptionAlgorithm = EncryptionAlgorithm
        self.KeyMaterialId = KeyMaterialId
    }
}
