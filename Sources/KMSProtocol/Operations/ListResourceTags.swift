public struct ListResourceTagsRequest: Codable, Sendable {
    public var KeyId: String
    public var Limit: Int?
    public var Marker: String?
}

public struct ListResourceTagsResponse: Codable, Sendable {
    public var Tags: [Tag]
    public var NextMarker: String?
    public var Truncated: Bool
    public init(Tags: [Tag], NextMarker: String?, Truncated: Bool) {
        self.Tags = Tags
        self.NextMarker = NextMarker
        self.Truncated = Truncated
    }
}
