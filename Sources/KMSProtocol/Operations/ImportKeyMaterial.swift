public import Foundation

public struct ImportKeyMaterialRequest: Codable, Sendable {
    public var KeyId: String
    public var ImportToken: Data
    public var EncryptedKeyMaterial: Data
    public var ValidTo: Date?
    public var ExpirationModel: String?
    public var ImportType: String?
    public var KeyMaterialDescription: String?
    public var KeyMaterialId: String?
}

public struct ImportKeyMaterialResponse: Codable, Sendable {
    public var KeyId: String
    public var KeyMaterialId: String
    public init(KeyId: String, KeyMaterialId: String) {
        self.KeyId = KeyId
        self.KeyMaterialId = KeyMaterialId
    }
}
