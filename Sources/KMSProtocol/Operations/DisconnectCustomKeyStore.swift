public struct DisconnectCustomKeyStoreRequest: Codable, Sendable {
    public var CustomKeyStoreId: String
}
