public import Foundation

public struct GenerateDataKeyPairRequest: Codable, Sendable, DryRunnableRequest {
    public var EncryptionContext: [String: String]?
    public var KeyId: String
    public var KeyPairSpec: String
    public var GrantTokens: [String]?
    public var Recipient: RecipientInfo?
    public var DryRun: Bool?
}

public struct GenerateDataKeyPairResponse: Codable, Sendable {
    public var PrivateKeyCiphertextBlob: Data
    public var PrivateKeyPlaintext: Data
    public var PublicKey: Data
    public var KeyId: String
    public var KeyPairSpec: String
    public var KeyMaterialId: String?
    public init(PrivateKeyCiphertextBlob: Data, PrivateKeyPlaintext: Data, PublicKey: Data, KeyId: String, KeyPairSpec: String, KeyMaterialId: String?) {
        self.PrivateKeyCiphertextBlob = PrivateKeyCiphertextBlob
        self.PrivateKeyPlaintext = PrivateKeyPlaintext
        self.PublicKey = PublicKey
        self.KeyId = KeyId
        self.KeyPairSpec = KeyPairSpec
        self.KeyMaterialId = KeyMaterialId
    }
}

public struct GenerateDataKeyPairWithoutPlaintextRequest: Codable, Sendable, DryRunnableRequest {
    public var EncryptionContext: [String: String]?
    public var KeyId: String
    public var KeyPairSpec: String
    public var GrantTokens: [String]?
    public var DryRun: Bool?
}

public struct GenerateDataKeyPairWithoutPlaintextResponse: Codable, Sendable {
    public var PrivateKeyCiphertextBlob: Data
    public var PublicKey: Data
    public var KeyId: String
    public var KeyPairSpec: String
    public var KeyMaterialId: String?
    public init(PrivateKeyCiphertextBlob: Data, PublicKey: Data, KeyId: String, KeyPairSpec: String, KeyMaterialId: String?) {
        self.PrivateKeyCiphertextBlob = PrivateKeyCiphertextBlob
        self.PublicKey = PublicKey
        self.KeyId = KeyId
        self.KeyPairSpec = KeyPairSpec
        self.KeyMaterialId = KeyMaterialId
    }
}
