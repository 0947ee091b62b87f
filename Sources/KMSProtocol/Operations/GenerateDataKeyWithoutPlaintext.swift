public import Foundation

public struct GenerateDataKeyWithoutPlaintextRequest: Codable, Sendable, DryRunnableRequest {
    public var KeyId: String
    public var EncryptionContext: [String: String]?
    public var NumberOfBytes: Int?
    public var KeySpec: String?
    public var GrantTokens: [String]?
    public var DryRun: Bool?
}

public struct GenerateDataKeyWithoutPlaintextResponse: Codable, Sendable {
    public var CiphertextBlob: Data
    public var KeyId: String
    public var KeyMaterialId: String
    public init(CiphertextBlob: Data, KeyId: String, KeyMaterialId: String) {
        self.CiphertextBlob = CiphertextBlob
        self.KeyId = KeyId
        self.KeyMaterialId = KeyMaterialId
    }
}
