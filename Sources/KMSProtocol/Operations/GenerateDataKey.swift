public import Foundation

public struct GenerateDataKeyRequest: Codable, Sendable, DryRunnableRequest {
    public var KeyId: String
    public var EncryptionContext: [String: String]?
    public var NumberOfBytes: Int?
    public var KeySpec: String?
    public var GrantTokens: [String]?
    public var Recipient: RecipientInfo?
    public var DryRun: Bool?
}

public struct GenerateDataKeyResponse: Codable, Sendable {
    public var CiphertextBlob: Data
    public var Plaintext: Data
    public var KeyId: String
    public var KeyMaterialId: String
    public init(CiphertextBlob: Data, Plaintext: Data, KeyId: String, KeyMaterialId: String) {
        self.CiphertextBlob = CiphertextBlob
        self.Plaintext = Plaintext
        self.KeyId = KeyId
        self.KeyMaterialId = KeyMaterialId
    }
}
