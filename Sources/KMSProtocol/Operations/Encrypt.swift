public import Foundation

public struct EncryptRequest: Codable, Sendable, DryRunnableRequest {
    public var KeyId: String
    public var Plaintext: Data
    public var EncryptionContext: [String: String]?
    public var GrantTokens: [String]?
    public var EncryptionAlgorithm: String?
    public var DryRun: Bool?
}

public struct EncryptResponse: Codable, Sendable {
    public var CiphertextBlob: Data
    public var KeyId: String
    public var EncryptionAlgorithm: String
    public init(CiphertextBlob: Data, KeyId: String, EncryptionAlgorithm: String) {
        self.CiphertextBlob = CiphertextBlob
        self.KeyId = KeyId
        self.EncryptionAlgorithm = EncryptionAlgorithm
    }
}
