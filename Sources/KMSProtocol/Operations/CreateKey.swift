public struct CreateKeyRequest: Codable, Sendable {
    public var Policy: String?
    public var Description: String?
    public var KeyUsage: String?
    public var CustomerMasterKeySpec: String?
    public var KeySpec: String?
    public var Origin: String?
    public var CustomKeyStoreId: String?
    public var BypassPolicyLockoutSafetyCheck: Bool?
    public var Tags: [Tag]?
    public var MultiRegion: Bool?
    public var XksKeyId: String?
}

public struct CreateKeyResponse: Codable, Sendable {
    public var KeyMetadata: KeyMetadata
    public init(KeyMetadata: KeyMetadata) { self.KeyMetadata = KeyMetadata }
}
