public struct ListKeysRequest: Codable, Sendable {
    public var Limit: Int?
    public var Marker: String?
}

public struct KeyListEntry: Codable, Sendable {
    public var KeyId: String
    public var KeyArn: String
    public init(KeyId: String, KeyArn: String) {
        self.KeyId = KeyId
        self.KeyArn = KeyArn
    }
}

public struct ListKeysResponse: Codable, Sendable {
    public var Keys: [KeyListEntry]
    public var NextMarker: String?
    public var Truncated: Bool
    public init(Keys: [KeyListEntry], NextMarker: String?, Truncated: Bool) {
        self.Keys = Keys
        self.NextMarker = NextMarker
        self.Truncated = Truncated
    }
}
