public struct UntagResourceRequest: Codable, Sendable {
    public var KeyId: String
    public var TagKeys: [String]
}
