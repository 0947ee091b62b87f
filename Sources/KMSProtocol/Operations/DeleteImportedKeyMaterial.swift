public struct DeleteImportedKeyMaterialRequest: Codable, Sendable {
    public var KeyId: String
    public var KeyMaterialId: String?
}

public struct DeleteImportedKeyMaterialResponse: Codable, Sendable {
    public var KeyId: String
    public var KeyMaterialId: String
    public init(KeyId: String, KeyMaterialId: String) {
        self.KeyId = KeyId
        self.KeyMaterialId = KeyMaterialId
    }
}
