public struct DescribeKeyRequest: Codable, Sendable {
    public var KeyId: String
    public var GrantTokens: [String]?
}

public struct DescribeKeyResponse: Codable, Sendable {
    public var KeyMetadata: KeyMetadata
    public init(KeyMetadata: KeyMetadata) { self.KeyMetadata = KeyMetadata }
}
