public struct TagResourceRequest: Codable, Sendable {
    public var KeyId: String
    public var Tags: [Tag]
}
