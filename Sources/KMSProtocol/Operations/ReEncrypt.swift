public import Foundation

public struct ReEncryptRequest: Codable, Sendable, DryRunnableRequest {
    public var CiphertextBlob: Data
    public var SourceEncryptionContext: [String: String]?
    public var SourceKeyId: String?
    public var DestinationKeyId: String
    public var DestinationEncryptionContext: [String: String]?
    public var SourceEncryptionAlgorithm: String?
    public var DestinationEncryptionAlgorithm: String?
    public var GrantTokens: [String]?
    public var DryRun: Bool?
}

public struct ReEncryptResponse: Codable, Sendable {
    public var CiphertextBlob: Data
    public var SourceKeyId: String
    public var KeyId: String
    public var SourceEncryptionAlgorithm: String
    public var DestinationEncryptionAlgorithm: String
    public var SourceKeyMaterialId: String
    public var DestinationKeyMaterialId: String
    public init(
        CiphertextBlob: Data, SourceKeyId: String, KeyId: String, SourceEncryptionAlgorithm: String, DestinationEncryptionAlgorithm: String,
        SourceKeyMaterialId: String, DestinationKeyMaterialId: String
    ) {
        self.SourceKeyMaterialId = SourceKeyMaterialId
        self.DestinationKeyMaterialId = DestinationKeyMaterialId
        self.CiphertextBlob = CiphertextBlob
        self.SourceKeyId = SourceKeyId
        self.KeyId = KeyId
        self.SourceEncryptionAlgorithm = SourceEncryptionAlgorithm
        self.DestinationEncryptionAlgorithm = DestinationEncryptionAlgorithm
    }
}
